import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A raw HTTP/1.1 client of `GET /api/events` on a plain socket: it reads only when told
/// to, so a test can play a client that never reads (with a small receive buffer).
final class EventStreamClient: @unchecked Sendable {
    /// One parsed event.
    struct Event: Equatable {
        var id: Int64?
        var event: String?
        var data: String?
    }

    private let fd: Int32
    /// Every byte received, the HTTP head and the chunked body as they came.
    private(set) var received: [UInt8] = []
    /// Whether the server closed the connection (or reset it).
    private(set) var closed = false

    /// Connects to the api on `port` and sends the request (with `headers`, e.g. `Last-Event-ID: 5`).
    init(port: Int, path: String = "/api/events", headers: [String] = [], receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestEnvironmentError("socket() failed") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw TestEnvironmentError("cannot connect to 127.0.0.1:\(port)")
        }
        let request = (["GET \(path) HTTP/1.1", "Host: 127.0.0.1", "Accept: text/event-stream"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    deinit {
        Glibc.close(fd)
    }

    /// Reads whatever has arrived, without waiting.
    func poll() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !closed {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                closed = true
            } else {
                return
            }
        }
    }

    /// The HTTP head (status line and fields), once it arrived.
    var head: String? {
        guard let end = headEnd else { return nil }
        return String(decoding: received[..<end], as: UTF8.self)
    }

    private var headEnd: Int? {
        let marker: [UInt8] = Array("\r\n\r\n".utf8)
        guard received.count >= 4 else { return nil }
        for index in 0...(received.count - 4) where received[index..<index + 4].elementsEqual(marker) {
            return index + 4
        }
        return nil
    }

    /// The body so far, chunked encoding removed; `ended` when the last chunk (size 0) came.
    var body: (text: String, ended: Bool) {
        guard let start = headEnd else { return ("", false) }
        var bytes: [UInt8] = []
        var index = start
        while index < received.count {
            guard let lineEnd = (index..<received.count - 1).first(where: { received[$0] == 13 && received[$0 + 1] == 10 }) else { break }
            guard let size = Int(String(decoding: received[index..<lineEnd], as: UTF8.self), radix: 16) else { break }
            if size == 0 { return (String(decoding: bytes, as: UTF8.self), true) }
            let dataStart = lineEnd + 2
            let available = min(size, received.count - dataStart)
            bytes.append(contentsOf: received[dataStart..<dataStart + available])
            guard available == size else { break }
            index = dataStart + size + 2
        }
        return (String(decoding: bytes, as: UTF8.self), false)
    }

    /// The complete events received so far (comments and `retry:` left out).
    var events: [Event] {
        Self.parse(body.text)
    }

    /// Parses SSE text into its events.
    static func parse(_ text: String) -> [Event] {
        var events: [Event] = []
        for block in text.components(separatedBy: "\n\n").dropLast() {
            var event = Event()
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { event.id = Int64(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event.event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { event.data = String(line.dropFirst(6)) }
            }
            if event.event != nil { events.append(event) }
        }
        return events
    }

    /// Polls until `condition` holds, or fails after `timeout`.
    func wait(timeout: Duration = .seconds(20), _ what: String, until condition: (EventStreamClient) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            poll()
            if condition(self) { return }
            guard ContinuousClock.now < deadline else {
                throw TestEnvironmentError("\(what) did not happen within \(timeout); received: \(String(decoding: received.suffix(600), as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The data of the events named `kind`, as JSON objects.
    func data(of kind: String) -> [[String: Any]] {
        events.filter { $0.event == kind }.compactMap { event in
            event.data.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }
}

extension EventStreamClient {
    /// Whether the raw bytes from `offset` on hold `needle` (an event is never split across
    /// chunks: the api writes whole events), without decoding the whole body.
    func rawContains(_ needle: String, from offset: Int) -> Bool {
        let pattern = Array(needle.utf8)
        guard received.count >= pattern.count, offset <= received.count - pattern.count else { return false }
        var index = max(0, offset)
        while index <= received.count - pattern.count {
            if received[index] == pattern[0], received[index..<index + pattern.count].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }
}

extension EventStreamClient {
    /// Closes the connection from this side.
    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
    }
}

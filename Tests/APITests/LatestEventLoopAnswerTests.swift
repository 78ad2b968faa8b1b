import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@testable import API

#if canImport(Glibc)
    import Glibc
#endif

/// Latest-metrics polls answered on the event loop (``LatestMetricsChannelHandler``), on a
/// running api: the same answer as the router's, in request order, with the connection's
/// rules kept and the request counted.
@Suite(.tags(.postgres)) struct LatestEventLoopAnswerTests {
    /// Two apps over one seeded database: one answering on the event loop, one through the router only.
    struct Pair {
        let quick: APIDependencies
        let routed: APIDependencies

        static func make() async throws -> Pair {
            let api = try await APIHarness.make()
            try await SeededFleet.seed(api.test)
            var routedSettings = api.dependencies.settings
            routedSettings.answersLatestOnEventLoop = false
            let routed = APIDependencies(
                settings: routedSettings, database: api.dependencies.database,
                cache: FleetCache(database: api.dependencies.database, classifier: routedSettings.classifier)
            )
            return Pair(quick: api.dependencies, routed: routed)
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "api-event-loop-test")
        logger.logLevel = .warning
        return logger
    }

    @Test func theEventLoopAnswerIsTheRoutersAnswer() async throws {
        let pair = try await Pair.make()
        try await buildApplication(pair.quick, logger: Self.logger).test(.live) { quick in
            try await buildApplication(pair.routed, logger: Self.logger).test(.live) { routed in
                try await Self.waitUntilLive(quick)
                try await Self.waitUntilLive(routed)
                let etag = try #require(try await routed.get("/api/servers/metrics/latest").headers[.eTag])
                let variants: [(String, HTTPFields)] = [
                    ("/api/servers/metrics/latest", [:]),
                    ("/api/servers/metrics/latest", [.acceptEncoding: "gzip, deflate, br"]),
                    ("/api/servers/metrics/latest", [.acceptEncoding: "gzip;q=0"]),
                    ("/api/servers/metrics/latest?status=critical&x=%27", [.acceptEncoding: "gzip"]),
                    ("/api/servers/metrics/latest", [.ifNoneMatch: etag]),
                    ("/api/servers/metrics/latest", [.ifNoneMatch: "W/\"other\", \(etag)", .acceptEncoding: "gzip"]),
                    ("/api/servers/metrics/latest", [.ifNoneMatch: "\"other\""]),
                ]
                let before = pair.quick.requestMetrics.answeredOnEventLoop.load(ordering: .relaxed)
                for (uri, headers) in variants {
                    let fast = try await quick.get(uri, headers: headers)
                    let slow = try await routed.get(uri, headers: headers)
                    #expect(fast.status == slow.status, "\(uri) \(headers)")
                    #expect(Self.comparable(fast.headers) == Self.comparable(slow.headers), "\(uri) \(headers)")
                    #expect(fast.headers[.date] != nil)
                    #expect(fast.body == slow.body, "\(uri) \(headers)")
                }
                #expect(pair.quick.requestMetrics.answeredOnEventLoop.load(ordering: .relaxed) - before == variants.count)
                #expect(pair.routed.requestMetrics.answeredOnEventLoop.load(ordering: .relaxed) == 0)

                // Other methods and paths are the router's.
                let post = try await quick.execute(uri: "/api/servers/metrics/latest", method: .post) { $0.status }
                #expect(post == (try await routed.execute(uri: "/api/servers/metrics/latest", method: .post) { $0.status }))
                for uri in ["/api/servers/metrics/latest/", "/api/servers/metrics/latestx", "/api/servers/metrics/Latest"] {
                    #expect(try await quick.get(uri).status == (try await routed.get(uri).status), "\(uri)")
                }
                #expect(pair.quick.requestMetrics.answeredOnEventLoop.load(ordering: .relaxed) - before == variants.count)

                // HEAD is the router's (generated from the GET): the GET's headers, no body.
                let get = try await quick.get("/api/servers/metrics/latest", headers: [.acceptEncoding: "gzip"])
                let head = try await quick.execute(uri: "/api/servers/metrics/latest", method: .head, headers: [.acceptEncoding: "gzip"]) { $0 }
                #expect(head.status == .ok)
                #expect(Self.comparable(head.headers) == Self.comparable(get.headers))
                #expect(head.body.readableBytes == 0)
                #expect(try await quick.execute(uri: "/api/servers/nope/status", method: .head) { $0.status } == .notFound)
            }
        }
    }

    @Test func answersKeepRequestOrderAndTheConnectionsRules() async throws {
        let pair = try await Pair.make()
        try await buildApplication(pair.quick, logger: Self.logger).test(.live) { client in
            try await Self.waitUntilLive(client)
            let port = try #require(client.port)
            let counted = { pair.quick.requestMetrics.answeredOnEventLoop.load(ordering: .relaxed) }

            // Pipelined behind a request the router answers: passed on, and answered second.
            let connection = try RawHTTPConnection(port: port)
            try connection.send(
                "GET /api/servers HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /api/servers/metrics/latest HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            )
            let first = try connection.readResponse()
            let second = try connection.readResponse()
            #expect(first.status == 200 && second.status == 200)
            let servers = try #require(try JSONSerialization.jsonObject(with: first.body) as? [[String: Any]])
            let latest = try #require(try JSONSerialization.jsonObject(with: second.body) as? [[String: Any]])
            #expect(servers.first?["name"] != nil, "the first answer is /api/servers")
            #expect(latest.first?["server_name"] != nil, "the second answer is the latest metrics")

            // Once the router's answer is out, the next poll on the connection is answered here.
            let before = counted()
            try connection.send("GET /api/servers/metrics/latest HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n")
            let third = try connection.readResponse()
            #expect(third.status == 200)
            #expect(third.headers["content-encoding"] == "gzip")
            #expect(counted() == before + 1)
            connection.close()

            // `Connection: close`: the whole answer, then the connection ends.
            let closing = try RawHTTPConnection(port: port)
            try closing.send("GET /api/servers/metrics/latest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            let answer = try closing.readResponse()
            #expect(answer.status == 200)
            #expect(try JSONSerialization.jsonObject(with: answer.body) as? [[String: Any]] != nil)
            #expect(try closing.readsEndOfStream(), "the api closes the connection after answering")
            closing.close()
            #expect(counted() == before + 2)

            // A GET with a body: the body is read and dropped, and the next request is answered.
            let withBody = try RawHTTPConnection(port: port)
            try withBody.send(
                "GET /api/servers/metrics/latest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            )
            #expect(try withBody.readResponse().status == 200)
            let health = try withBody.readResponse()
            #expect((try JSONSerialization.jsonObject(with: health.body) as? [String: Any])?["cache"] as? String == "live")
            withBody.close()
        }
    }

    /// Headers without `Date` (it may tick between the two answers), in order.
    static func comparable(_ fields: HTTPFields) -> [String] {
        fields.filter { $0.name != .date }.map { "\($0.name.canonicalName): \($0.value)" }
    }

    /// Waits until the cache is live and its latest-metrics body encoded: the first request
    /// after a read is the router's (it encodes the body), which would skew the counts.
    static func waitUntilLive(_ client: any TestClientProtocol) async throws {
        for _ in 0..<100 {
            if let health = try await client.json("/api/health").value as? [String: Any], health["cache"] as? String == "live" {
                _ = try await client.get("/api/servers/metrics/latest")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestEnvironmentError("the api's cache did not go live within 10 s")
    }
}

/// One HTTP/1.1 connection over a blocking socket, for what a test client hides:
/// pipelined requests, a request body on a GET, the server closing the connection.
final class RawHTTPConnection {
    /// One answer: status, headers (names lowercased) and the body its Content-Length gives.
    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: Data
    }

    private let descriptor: Int32
    private var buffer = Data()

    /// Connects to 127.0.0.1:`port`; reads wait at most 10 s.
    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw TestEnvironmentError("cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw TestEnvironmentError("send failed: errno \(errno)") }
            sent += count
        }
    }

    /// Reads one whole answer (head, then Content-Length bytes of body).
    func readResponse() throws -> Answer {
        let separator = Data("\r\n\r\n".utf8)
        var headEnd = buffer.range(of: separator)
        while headEnd == nil {
            guard try fill() else { throw TestEnvironmentError("the connection ended before an answer's head") }
            headEnd = buffer.range(of: separator)
        }
        let head = String(decoding: buffer[buffer.startIndex..<headEnd!.lowerBound], as: UTF8.self)
        buffer = Data(buffer[headEnd!.upperBound...])
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = status == 304 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            guard try fill() else { throw TestEnvironmentError("the connection ended inside an answer's body") }
        }
        let body = Data(buffer.prefix(length))
        buffer = Data(buffer.dropFirst(length))
        ResponseLog.record("raw GET", status: status, headers: headers.sorted { $0.key < $1.key }, body: body)
        return Answer(status: status, headers: headers, body: body)
    }

    /// Whether the next read finds the end of the stream (and nothing else).
    func readsEndOfStream() throws -> Bool {
        try buffer.isEmpty && !fill()
    }

    func close() {
        Glibc.close(descriptor)
    }

    /// Reads what has arrived; false at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw TestEnvironmentError("recv failed (errno \(errno)): no answer within 10 s") }
        buffer.append(contentsOf: chunk[0..<count])
        return count > 0
    }
}

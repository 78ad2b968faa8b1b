import Foundation
import Logging
import Notify
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's Python: the one with aiosmtpd (pyenv's `python3` on PATH lacks it).
let systemPython = "/usr/bin/python3"
/// Tests/NotifyReceivers.
let receiversFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("NotifyReceivers").path

struct ReceiverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with `openssl req`.
struct TestCertificate: Sendable {
    let folder: TemporaryFolder
    var certificate: String { folder.path + "/cert.pem" }
    var key: String { folder.path + "/key.pem" }

    static func make() async throws -> TestCertificate {
        let folder = try TemporaryFolder()
        let result = try await runProgramDetached([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", folder.path + "/key.pem", "-out",
            folder.path + "/cert.pem", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        guard result.status == 0 else { throw ReceiverError("openssl req failed: \(result.stderr)") }
        return TestCertificate(folder: folder)
    }

    func remove() { folder.remove() }
}

/// A receiver script running for one test; killed by `stop()`.
final class ReceiverProcess: Sendable {
    let pid: pid_t
    let folder: TemporaryFolder
    /// The first line the script printed.
    let firstLine: String

    init(_ arguments: [String]) async throws {
        folder = try TemporaryFolder()
        let out = folder.path + "/stdout"
        let err = folder.path + "/stderr"
        pid = try spawnLogged(arguments, environment: nil, stdoutPath: out, stderrPath: err)
        let deadline = Date().addingTimeInterval(15)
        while true {
            if let text = try? String(contentsOfFile: out, encoding: .utf8), let newline = text.firstIndex(of: "\n") {
                firstLine = String(text[..<newline])
                return
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || Date() > deadline {
                let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
                _ = kill(pid, SIGKILL)
                folder.remove()
                throw ReceiverError("\(arguments[1]) did not start: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() {
        _ = kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        folder.remove()
    }
}

/// One request the HTTP receiver recorded.
struct RecordedRequest: Decodable, Sendable {
    var method: String
    var path: String
    /// Header values by lower-case name.
    var headers: [String: String]
    var body: String
    var body_base64: String

    var bodyBytes: Data { Data(base64Encoded: body_base64) ?? Data() }
    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: bodyBytes) as? [String: Any] else { throw ReceiverError("body is not a JSON object") }
        return object
    }
}

/// Tests/NotifyReceivers/http_receiver.py, over HTTP or (with a certificate) HTTPS.
final class HTTPReceiver: Sendable {
    let process: ReceiverProcess
    let port: Int
    let certificate: TestCertificate?

    init(tls certificate: TestCertificate? = nil) async throws {
        var arguments = [systemPython, receiversFolder + "/http_receiver.py", "0"]
        if let certificate { arguments += ["--tls", certificate.certificate, certificate.key] }
        process = try await ReceiverProcess(arguments)
        guard let port = Int(process.firstLine) else { throw ReceiverError("http_receiver printed \(process.firstLine)") }
        self.port = port
        self.certificate = certificate
    }

    /// `http://127.0.0.1:PORT` (or https).
    var base: String { "\(certificate == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// The requests recorded so far.
    func requests() async throws -> [RecordedRequest] {
        let text = try await control("GET", "/_requests")
        return try JSONDecoder().decode([RecordedRequest].self, from: Data(text.utf8))
    }

    /// Switches the answer mode: ok, error or hang.
    func setMode(_ mode: String) async throws {
        _ = try await control("POST", "/_control", body: "{\"mode\": \"\(mode)\"}")
    }

    private func control(_ method: String, _ path: String, body: String? = nil) async throws -> String {
        var arguments = ["/usr/bin/curl", "-sS", "--fail", "--max-time", "5", "-X", method]
        if let certificate { arguments += ["--cacert", certificate.certificate] }
        if let body { arguments += ["--data", body] }
        let result = try await runProgramDetached(arguments + [base + path])
        guard result.status == 0 else { throw ReceiverError("\(method) \(path): \(result.stderr)") }
        return result.stdout
    }

    func stop() { process.stop() }
}

/// One message the SMTP receiver accepted.
struct ReceivedMail: Decodable, Sendable {
    var mail_from: String
    var rcpt_tos: [String]
    var data: String
    var auth_user: String?
    var tls: Bool

    /// The header lines before the first empty line.
    var headerLines: [String] {
        var lines: [String] = []
        for line in data.components(separatedBy: "\r\n") {
            if line.isEmpty { break }
            lines.append(line)
        }
        return lines
    }

    /// The value of header `name` (first occurrence).
    func header(_ name: String) -> String? {
        headerLines.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map {
            String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
        }
    }
}

/// Tests/NotifyReceivers/smtp_receiver.py with the given TLS and AUTH options.
final class SMTPReceiver: Sendable {
    let process: ReceiverProcess
    let port: Int
    let outFile: String

    init(_ options: [String]) async throws {
        let folder = try TemporaryFolder()
        outFile = folder.path + "/mail.jsonl"
        process = try await ReceiverProcess([systemPython, receiversFolder + "/smtp_receiver.py", "--out", outFile] + options)
        guard process.firstLine.hasPrefix("ready "), let port = Int(process.firstLine.dropFirst(6)) else {
            throw ReceiverError("smtp_receiver printed \(process.firstLine)")
        }
        self.port = port
    }

    /// The messages accepted so far.
    func messages() throws -> [ReceivedMail] {
        guard let text = try? String(contentsOfFile: outFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(ReceivedMail.self, from: Data($0.utf8)) }
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: outFile).deletingLastPathComponent().path)
    }
}

/// A log handler that keeps every message, to check what was logged.
final class RecordingLogHandler: LogHandler, Sendable {
    let records = Mutex<[(Logger.Level, String)]>([])

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        records.withLock { $0.append((event.level, event.message.description)) }
    }

    /// A logger writing to this handler.
    var logger: Logger { Logger(label: "notify-tests") { _ in self } }

    /// The messages logged at `level`.
    func messages(at level: Logger.Level) -> [String] {
        records.withLock { $0.filter { $0.0 == level }.map(\.1) }
    }
}

/// An event as the collector would pass it.
func sampleEvent(
    event: String = "opened", alertID: Int64 = 42, server: String = "web-01", type: String = "disk", severity: String = "critical",
    message: String = "disk / at 95%", value: Double? = 95.25, id: String = UUID().uuidString.lowercased()
) -> NotificationEvent {
    NotificationEvent(
        eventID: id, event: event, alertID: alertID, server: server, type: type, severity: severity, message: message, value: value,
        openedAt: Date(timeIntervalSince1970: 1_796_000_000.5), resolvedAt: event == "resolved" ? Date(timeIntervalSince1970: 1_796_003_600) : nil)
}

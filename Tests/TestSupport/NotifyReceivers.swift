import Foundation
import Synchronization
import TestTags

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's Python: the one with aiosmtpd (pyenv's `python3` on PATH lacks it).
public let systemPython = "/usr/bin/python3"
/// Tests/NotifyReceivers.
let receiversFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("NotifyReceivers").path

/// A receiver script that did not start or answer.
public struct ReceiverError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with `openssl req`.
public struct TestCertificate: Sendable {
    /// The folder holding both files.
    public let folder: TemporaryFolder
    /// The certificate (PEM), also the CA file that trusts it.
    public var certificate: String { folder.path + "/cert.pem" }
    /// The private key (PEM).
    public var key: String { folder.path + "/key.pem" }

    /// Makes a new certificate with `openssl req`.
    public static func make() async throws -> TestCertificate {
        let folder = try TemporaryFolder()
        let result = try await runProgramDetached([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", folder.path + "/key.pem", "-out",
            folder.path + "/cert.pem", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        guard result.status == 0 else { throw ReceiverError("openssl req failed: \(result.stderr)") }
        return TestCertificate(folder: folder)
    }

    /// Removes both files.
    public func remove() { folder.remove() }
}

/// A receiver script running for one test; killed by `stop()`.
public final class ReceiverProcess: Sendable {
    /// The script's process id.
    public let pid: pid_t
    let folder: TemporaryFolder
    /// The first line the script printed.
    public let firstLine: String

    /// Starts the script and waits for its first line of output.
    public init(_ arguments: [String]) async throws {
        expectTag(.receivers, using: "a notification receiver")
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

    private let stopped = Mutex(false)

    /// Kills it and removes its files; once, however often it is called.
    public func stop() {
        guard
            !stopped.withLock({
                let was = $0; $0 = true; return was
            })
        else { return }
        _ = kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        folder.remove()
    }
}

/// One request the HTTP receiver recorded.
public struct RecordedRequest: Decodable, Sendable {
    /// GET, POST, …
    public var method: String
    /// The path with its query.
    public var path: String
    /// Header values by lower-case name.
    public var headers: [String: String]
    /// The body as UTF-8 text.
    public var body: String
    /// The exact body bytes, base64.
    public var body_base64: String

    /// The exact body bytes.
    public var bodyBytes: Data { Data(base64Encoded: body_base64) ?? Data() }
    /// The body parsed as a JSON object.
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: bodyBytes) as? [String: Any] else { throw ReceiverError("body is not a JSON object") }
        return object
    }
}

/// Tests/NotifyReceivers/http_receiver.py, over HTTP or (with a certificate) HTTPS.
public final class HTTPReceiver: Sendable {
    let process: ReceiverProcess
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    /// The certificate it serves HTTPS with, if any.
    public let certificate: TestCertificate?

    /// Starts a receiver on `port` (0: a free one); a stopped receiver's port starts it again.
    public init(tls certificate: TestCertificate? = nil, port: Int = 0) async throws {
        var arguments = [systemPython, receiversFolder + "/http_receiver.py", String(port)]
        if let certificate { arguments += ["--tls", certificate.certificate, certificate.key] }
        process = try await ReceiverProcess(arguments)
        guard let port = Int(process.firstLine) else { throw ReceiverError("http_receiver printed \(process.firstLine)") }
        self.port = port
        self.certificate = certificate
    }

    /// `http://127.0.0.1:PORT` (or https).
    public var base: String { "\(certificate == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// The requests recorded so far.
    public func requests() async throws -> [RecordedRequest] {
        let text = try await control("GET", "/_requests")
        return try JSONDecoder().decode([RecordedRequest].self, from: Data(text.utf8))
    }

    /// Switches the answer mode: ok, error or hang.
    public func setMode(_ mode: String) async throws {
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

    /// Kills it: its port then refuses connections.
    public func stop() { process.stop() }
}

/// One message the SMTP receiver accepted.
public struct ReceivedMail: Decodable, Sendable {
    /// The envelope sender.
    public var mail_from: String
    /// The envelope recipients.
    public var rcpt_tos: [String]
    /// The message as sent.
    public var data: String
    /// Who logged in, if anyone.
    public var auth_user: String?
    /// Whether the session was encrypted.
    public var tls: Bool

    /// The header lines before the first empty line.
    public var headerLines: [String] {
        var lines: [String] = []
        for line in data.components(separatedBy: "\r\n") {
            if line.isEmpty { break }
            lines.append(line)
        }
        return lines
    }

    /// The value of header `name` (first occurrence).
    public func header(_ name: String) -> String? {
        headerLines.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map {
            String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
        }
    }
}

/// Tests/NotifyReceivers/smtp_receiver.py with the given TLS and AUTH options.
public final class SMTPReceiver: Sendable {
    let process: ReceiverProcess
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    let outFile: String

    /// Starts it with smtp_receiver.py's options (`--starttls CERT KEY`, `--auth USER:PASS`, …).
    public init(_ options: [String]) async throws {
        let folder = try TemporaryFolder()
        outFile = folder.path + "/mail.jsonl"
        process = try await ReceiverProcess([systemPython, receiversFolder + "/smtp_receiver.py", "--out", outFile] + options)
        guard process.firstLine.hasPrefix("ready "), let port = Int(process.firstLine.dropFirst(6)) else {
            throw ReceiverError("smtp_receiver printed \(process.firstLine)")
        }
        self.port = port
    }

    /// The messages accepted so far.
    public func messages() throws -> [ReceivedMail] {
        guard let text = try? String(contentsOfFile: outFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(ReceivedMail.self, from: Data($0.utf8)) }
    }

    /// Kills it and removes what it wrote.
    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: outFile).deletingLastPathComponent().path)
    }
}

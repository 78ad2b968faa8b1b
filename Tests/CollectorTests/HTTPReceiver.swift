import Foundation
import TestSupport

/// The loopback HTTP receiver of Tests/NotifyReceivers/http_receiver.py: records every
/// request and answers as told (ok, error, hang), restartable on the same port.
final class HTTPReceiver: @unchecked Sendable {
    let port: Int
    private var process: BackgroundProcess?
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../NotifyReceivers/http_receiver.py")
        .standardized.path

    /// One recorded request.
    struct Request: Sendable {
        var path: String
        var headers: [String: String]
        var body: String
        /// The body as JSON, when it is a JSON object.
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] }
    }

    init() async throws {
        port = try unusedPort()
        try await start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts (or restarts) the receiver on its port and waits until it answers.
    func start() async throws {
        process = try BackgroundProcess.start(["/usr/bin/python3", Self.script, String(port)])
        for _ in 0..<100 {
            if (try? await curl(["\(url)/_requests"]))?.status == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestEnvironmentError("the HTTP receiver did not start on port \(port)")
    }

    /// Stops it: the port then refuses connections.
    func stop() {
        process?.kill()
        process = nil
    }

    /// ok (200), error (500) or hang (no answer).
    func mode(_ mode: String) async throws {
        _ = try await curl(["-X", "POST", "-d", "{\"mode\": \"\(mode)\"}", "\(url)/_control"])
    }

    /// Every request received so far (not counting the control API).
    func requests() async throws -> [Request] {
        let result = try await curl(["\(url)/_requests"])
        guard let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else { return [] }
        return list.map {
            Request(path: $0["path"] as? String ?? "", headers: $0["headers"] as? [String: String] ?? [:], body: $0["body"] as? String ?? "")
        }
    }

    private func curl(_ arguments: [String]) async throws -> ProgramResult {
        try await runProgramDetached(["/usr/bin/curl", "-sS", "--max-time", "5"] + arguments)
    }

    deinit { process?.kill() }
}

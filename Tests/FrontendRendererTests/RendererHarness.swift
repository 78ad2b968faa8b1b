import AsyncHTTPClient
import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport

@testable import FrontendRenderer

/// A real `api` process (the built `.build/debug/api`) on a fresh database of the test
/// cluster, and the renderer's router pointed at it, for `app.test(.router)`.
struct RendererHarness {
    let test: TestDatabase
    let apiURL: String

    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `body` with a renderer over an api on a database `seed` filled first.
    static func run(
        seed: (TestDatabase) async throws -> Void = { try await SeededFleet.seed($0) },
        environment: [String: String] = [:],
        _ body: @Sendable (RendererHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let test = try await TestDatabase.make()
        try await seed(test)
        let port = try unusedPort()
        var values = ProcessInfo.processInfo.environment
        values["DATABASE_URL"] = test.url
        values["DATABASE_POOL_SIZE"] = "2"
        values["API_HOST"] = "127.0.0.1"
        values["API_PORT"] = String(port)
        values["LOG_LEVEL"] = "warning"
        let binary = packageRoot + "/.build/debug/api"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestEnvironmentError("\(binary) is missing: run `swift build --build-tests` first")
        }
        let api = try BackgroundProcess.start([binary, "--env-file", "/dev/null"], environment: values)
        defer { api.kill(SIGTERM) }
        let url = "http://127.0.0.1:\(port)"
        try await waitUntilHealthy(url)
        let harness = RendererHarness(test: test, apiURL: url)
        try await renderer(apiURL: url, environment: environment).test(.router) { client in
            try await body(harness, client)
        }
    }

    /// A renderer application over the api at `apiURL` (no api needed for error paths).
    static func renderer(apiURL: String, environment: [String: String] = [:]) throws -> some ApplicationProtocol {
        var values = ["API_URL": apiURL, "REFRESH_INTERVAL_SECONDS": "30"]
        values.merge(environment) { _, new in new }
        let settings = try FrontendSettings(environment: values)
        var logger = Logger(label: "frontend-test")
        logger.logLevel = .critical
        return Application(router: buildRouter(settings: settings, logger: logger), configuration: .init(serverName: "test"), logger: logger)
    }

    /// Polls `/api/health` until the api answers 200 (it migrates at start), for up to 30 s.
    static func waitUntilHealthy(_ url: String) async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let request = HTTPClientRequest(url: url + "/api/health")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status.code == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestEnvironmentError("the api at \(url) did not become healthy within 30 s")
    }
}

/// One rendered answer.
struct Page {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String
    let bytes: Data

    /// How often `text` occurs.
    func count(_ text: String) -> Int {
        body.components(separatedBy: text).count - 1
    }

    /// The first `<table id="id">`'s body rows: each row's cells as text (tags stripped, entities kept).
    func rows(ofTable id: String) -> [[String]] {
        guard let start = body.range(of: "<table id=\"\(id)\"") else { return [] }
        let rest = body[start.upperBound...]
        guard let bodyStart = rest.range(of: "<tbody>"), let end = rest.range(of: "</tbody>") else { return [] }
        let tbody = rest[bodyStart.upperBound..<end.lowerBound]
        let cell = try! NSRegularExpression(pattern: "<t[hd](?:\\s[^>]*)?>(.*?)</t[hd]>", options: [.dotMatchesLineSeparators])
        return tbody.components(separatedBy: "</tr>").filter { $0.contains("<tr") }.map { row in
            let text = row as NSString
            return cell.matches(in: row, range: NSRange(location: 0, length: text.length)).map { match in
                Page.text(of: text.substring(with: match.range(at: 1)))
            }
        }
    }

    /// Markup with the tags removed (entities kept).
    static func text(of html: some StringProtocol) -> String {
        var out = ""
        var inTag = false
        for character in html {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { out.append(character) }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// The opening tag of the card of `server`.
    func card(_ server: String) -> String? {
        guard let range = body.range(of: "data-server=\"\(HTML.escaped(server))\"") else { return nil }
        let start = body[..<range.lowerBound].range(of: "<li", options: .backwards)?.lowerBound ?? range.lowerBound
        let end = body[range.upperBound...].range(of: "</li>")?.upperBound ?? range.upperBound
        return String(body[start..<end])
    }
}

extension TestClientProtocol {
    /// GETs `uri` and returns the page.
    func page(_ uri: String, headers: HTTPFields = [:]) async throws -> Page {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            let data = Data(buffer: response.body)
            ResponseLog.record("GET \(uri)", status: response.status.code, headers: response.headers.map { ($0.name.rawName, $0.value) }, body: data)
            return Page(status: response.status, headers: response.headers, body: String(decoding: data, as: UTF8.self), bytes: data)
        }
    }
}

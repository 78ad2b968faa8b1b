import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport

@testable import API

/// An api wired to a fresh test database, as `buildApplication` wires it, for router tests.
struct APIHarness {
    let test: TestDatabase
    let dependencies: APIDependencies

    /// A migrated database and an api over it; `environment` adds settings (e.g. thresholds).
    static func make(environment: [String: String] = [:], databaseURL: String? = nil, migrate: Bool = false) async throws -> APIHarness {
        let test = try await TestDatabase.make()
        var values = ["DATABASE_URL": databaseURL ?? test.url, "DATABASE_POOL_SIZE": "4"]
        values.merge(environment) { _, new in new }
        let settings = try APISettings(environment: values)
        let database = databaseURL == nil ? test.database : Database(configuration: settings.database, logger: TestDatabase.logger)
        if migrate, databaseURL != nil { try await database.migrate(logger: TestDatabase.logger) }
        let cache = FleetCache(database: database, classifier: settings.classifier)
        return APIHarness(test: test, dependencies: APIDependencies(settings: settings, database: database, cache: cache))
    }

    /// The application for `app.test(.router)`.
    func application() -> some ApplicationProtocol {
        var logger = Logger(label: "api-test")
        logger.logLevel = .warning
        return Application(router: buildRouter(dependencies), configuration: .init(serverName: "test"), logger: logger)
    }

    /// Runs `body` with a client of the router.
    func withClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await application().test(.router, body)
    }
}

extension TestClientProtocol {
    /// GETs `uri` and returns status, headers and body.
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: Data) {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            let body = Data(buffer: response.body)
            ResponseLog.record("GET \(uri)", status: response.status.code, headers: response.headers.map { ($0.name.rawName, $0.value) }, body: body)
            return (response.status, response.headers, body)
        }
    }

    /// GETs `uri` and decodes the body as a JSON object or array.
    func json(_ uri: String) async throws -> (status: HTTPResponse.Status, value: Any) {
        let (status, _, body) = try await get(uri)
        return (status, try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]))
    }
}

/// Reads the error document and checks its shape.
struct ErrorAnswer {
    let code: String
    let message: String
    let timestamp: String

    init?(_ value: Any) {
        guard let object = value as? [String: Any], object["success"] as? Bool == false,
            let message = object["error"] as? String,
            let details = object["details"] as? [String: Any], details.count == 2,
            let code = details["code"] as? String, let timestamp = details["timestamp"] as? String,
            Timestamp.parse(timestamp) != nil, object.count == 3
        else { return nil }
        self.code = code
        self.message = message
        self.timestamp = timestamp
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import TestSupport

@testable import API

extension APIHarness {
    /// A secret the api really holds in the harness of ``makeHoldingTheSecret()``: the
    /// password of the database role it connects as. The seeded inventory gives it to the
    /// storage as every server's SSH password too (``SeededFleet``), which must not keep it.
    static let plantedSecret = "never-returned-secret"

    /// An api over a fresh test database, connected as a read-only role of its own whose
    /// password is ``plantedSecret``: every answer comes from a process holding the secret in
    /// its DATABASE_URL, so a check that no answer contains it can fail.
    static func makeHoldingTheSecret() async throws -> APIHarness {
        let test = try await TestDatabase.make()
        guard let admin = ProcessInfo.processInfo.environment["SD_TEST_ADMIN_DATABASE_URL"], !admin.isEmpty else {
            throw TestEnvironmentError("SD_TEST_ADMIN_DATABASE_URL is not set: run through scripts/test-env.sh")
        }
        let role = "sd_secret_reader_" + UUID().uuidString.prefix(8).lowercased()
        let created = try runProgram([
            "/usr/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin,
            "-c", "CREATE ROLE \(role) LOGIN PASSWORD '\(plantedSecret)' IN ROLE pg_read_all_data",
        ])
        guard created.status == 0 else { throw TestEnvironmentError("CREATE ROLE failed: \(created.stderr)") }
        guard let at = test.url.range(of: "@") else { throw TestEnvironmentError("the test database URL has no credentials") }
        let url = "postgresql://\(role):\(plantedSecret)@" + test.url[at.upperBound...]
        let settings = try APISettings(environment: ["DATABASE_URL": url, "DATABASE_POOL_SIZE": "4"])
        let database = Database(configuration: settings.database, logger: TestDatabase.logger)
        let cache = FleetCache(database: database, classifier: settings.classifier)
        return APIHarness(test: test, dependencies: APIDependencies(settings: settings, database: database, cache: cache))
    }

    /// Every row of the test database as `pg_dump --data-only` writes it.
    func databaseDump() throws -> String {
        let dump = try runProgram(["/usr/bin/pg_dump", "--data-only", "--no-owner", "-d", test.url])
        guard dump.status == 0 else { throw TestEnvironmentError("pg_dump failed: \(dump.stderr)") }
        return dump.stdout
    }
}

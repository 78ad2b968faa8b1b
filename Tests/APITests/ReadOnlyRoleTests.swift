import DashboardCore
import DashboardStorage
import Foundation
import Logging
import TestSupport
import Testing

/// The api's database role can only read (docs/operations.md, "Security"): made by the same
/// services/postgres/api-role.sql the deployments run, granted by the collector's
/// migrations, on a PostgreSQL cluster of the test's own.
@Suite(.tags(.postgres, .builtProducts)) struct ReadOnlyRoleTests {
    static let logger = Logger(label: "read-only-role-tests")

    /// services/postgres/api-role.sql, run by the superuser on the cluster's server_db.
    static func createAPIRole(_ cluster: OwnCluster, user: String, password: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../services/postgres/api-role.sql").standardized
            .path
        let admin = TestDatabase.replacingDatabase(in: try cluster.adminURL, with: "server_db")
        let result = try runProgram(["/usr/bin/psql", "-X", "-q", "-v", "api_user=\(user)", "-v", "api_password=\(password)", "-d", admin, "-f", script])
        guard result.status == 0 else { throw TestEnvironmentError("api-role.sql failed: \(result.stderr)") }
    }

    static func url(_ cluster: OwnCluster, user: String, password: String) -> String {
        // postgresql://dashboard:…@127.0.0.1:PORT/server_db → the api role's credentials
        let rest = cluster.url[cluster.url.range(of: "@")!.upperBound...]
        return "postgresql://\(user):\(password)@\(rest)"
    }

    @Test func theAPIRoleReadsButCannotWriteOrChangeTheSchemaAndTheAPIWaitsForTheCollectorsMigrations() async throws {
        try await OwnCluster.with { cluster in
            try Self.createAPIRole(cluster, user: "dashboard_api", password: "api-secret-1")
            // Running it again (every compose start does) changes nothing and still works.
            try Self.createAPIRole(cluster, user: "dashboard_api", password: "api-secret-1")
            let readerURL = Self.url(cluster, user: "dashboard_api", password: "api-secret-1")

            // The api starts before any migration: with its read-only role it must not try
            // DDL, only wait for the collector.
            let api = try await APIProcessTests.RunningAPI.start(["API_DATABASE_URL": readerURL, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"])
            defer {
                _ = api.terminate()
                api.folder.remove()
            }

            // The collector's role migrates (and grants); then it stores a sample.
            let owner = Database(configuration: DatabaseConfiguration(connectionString: cluster.url), logger: Self.logger)
            try await owner.migrate(logger: Self.logger)
            let ids = try await owner.servers.sync(inventory: [ServerConfig(name: "web-01", host: "10.0.0.1", username: "u", password: Secret("p"))])
            try await owner.samples.store(makeSample(at: Date()), serverID: try #require(ids["web-01"]))

            var latest: HTTPAnswer?
            for _ in 0..<200 {
                latest = try api.get("/api/servers/metrics/latest")
                if latest?.status == 200, latest?.body.contains("web-01") == true { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(latest?.status == 200, "\(latest?.body ?? "no answer"): \(api.log)")
            #expect(latest?.body.contains("web-01") == true)
            #expect(try api.get("/api/health")?.status == 200)
            // The alerting tables are readable too: silences, the outbox and its counts on /metrics.
            try await owner.silences.add(scope: .all, alertType: nil, reason: "read-only check", startsAt: Date(), endsAt: Date().addingTimeInterval(600))
            #expect(try api.get("/api/silences")?.body.contains("read-only check") == true)
            #expect(try api.get("/api/notifications?state=failed")?.status == 200)
            #expect(try api.get("/api/alerts")?.status == 200)
            #expect(try api.get("/metrics")?.body.contains("server_dashboard_notifications_pending 0") == true)
            #expect(api.log.contains("only reads: waiting for the collector to apply migrations"), "\(api.log)")
            #expect(!api.log.contains("applied migrations"))
            #expect(!api.log.contains("api-secret-1"))

            // What the api's role may not do, each refused by PostgreSQL itself.
            let reader = ConnectionPool(configuration: DatabaseConfiguration(connectionString: readerURL, poolSize: 1), logger: Self.logger)
            #expect(try await reader.query("SELECT count(*) AS n FROM server_metrics").first?.require("n", as: Int.self) == 1)
            let refused: [SQLQuery] = [
                "INSERT INTO servers (name, host) VALUES ('intruder', 'x')",
                "UPDATE servers SET host = 'x'",
                "DELETE FROM server_metrics",
                "TRUNCATE top_users",
                "CREATE TABLE intruder (id integer)",
                "DROP TABLE alerts",
                "DELETE FROM silences",
                "UPDATE notifications SET state = 'delivered'",
                "ALTER TABLE servers ADD COLUMN intruder text",
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'x', 'x')",
            ]
            for statement in refused {
                do throws(StorageError) {
                    try await reader.query(statement)
                    Issue.record("the api's role was allowed: \(statement)")
                } catch {
                    #expect(error.sqlState == "42501", "\(statement): \(error.message)")
                }
            }
            #expect(try await owner.pool.query("SELECT count(*) AS n FROM server_metrics").first?.require("n", as: Int.self) == 1)

            // A role that owns a database is refused as the api's role.
            #expect(throws: TestEnvironmentError.self) { try Self.createAPIRole(cluster, user: "dashboard", password: "x") }
        }
    }
}

import DashboardStorage
import Foundation
import Logging
import TestSupport
import Testing

@Suite(.tags(.postgres)) struct ConnectionTests {
    @Test func refusedConnectionNamesHostAndPort() async throws {
        // Port 9 (discard) on loopback: nothing listens there in the test environment.
        let pool = ConnectionPool(
            configuration: DatabaseConfiguration(connectionString: "postgresql://dashboard:secret-pw@127.0.0.1:9/server_db", connectTimeoutSeconds: 2),
            logger: TestDatabase.logger)
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.kind == .connection && error.isUnavailable
                && error.message.contains("127.0.0.1:9") && error.message.contains("refused")
                && !error.message.contains("secret-pw")
        }
    }

    @Test func wrongPasswordSaysSoWithoutRepeatingIt() async throws {
        let base = try TestDatabase.baseURL()
        let wrong = base.replacingOccurrences(of: #"dashboard:[^@]*@"#, with: "dashboard:not-the-password@", options: .regularExpression)
        let pool = ConnectionPool(configuration: DatabaseConfiguration(connectionString: wrong), logger: TestDatabase.logger)
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.kind == .connection && error.message.contains("password authentication failed") && !error.message.contains("not-the-password")
        }
    }

    @Test func statementErrorsCarryPostgresMessageAndSQLState() async throws {
        let test = try await TestDatabase.make()
        await #expect {
            try await test.database.pool.query("SELECT * FROM no_such_table")
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.kind == .query && error.sqlState == "42P01" && error.message.contains("no_such_table")
        }
        // The pool still works afterwards.
        #expect(try await test.database.pool.query("SELECT 1 AS one").first?.require("one", as: Int.self) == 1)
    }

    @Test func transactionsRollBackOnError() async throws {
        let test = try await TestDatabase.make()
        await #expect(throws: StorageError.self) {
            try await test.database.pool.withTransaction { (connection) throws(StorageError) in
                try await connection.query("INSERT INTO servers (name, host) VALUES ('in-tx', 'h')")
                try await connection.query("INSERT INTO servers (name, host) VALUES ('in-tx', 'h')")  // unique violation
            }
        }
        #expect(try await test.database.servers.named("in-tx") == nil)
    }

    @Test func blockingCallsRunInParallelOffTheCooperativePool() async throws {
        let test = try await TestDatabase.make(poolSize: 8)
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await test.database.pool.query("SELECT pg_sleep(1)") }
                }
                try await group.waitForAll()
            }
        }
        // Serialised, eight one-second sleeps would take eight seconds.
        #expect(elapsed < .seconds(6), "took \(elapsed)")
        #expect(await test.database.pool.openConnections == 8)
    }

    @Test func poolRecoversAfterPostgresRestarts() async throws {
        // A cluster of this test's own, so restarting it disturbs no other test.
        try await OwnCluster.with { cluster in
            let pool = ConnectionPool(configuration: DatabaseConfiguration(connectionString: cluster.url, poolSize: 2), logger: TestDatabase.logger)
            #expect(try await pool.query("SELECT 1 AS one").first?.require("one", as: Int.self) == 1)

            try await cluster.run("stop")
            await #expect {
                try await pool.query("SELECT 1")
            } throws: { error in
                (error as? StorageError)?.isUnavailable == true
            }
            try await cluster.run("start")
            // The stale connection is dropped and the statement retried on a fresh one.
            #expect(try await pool.query("SELECT 2 AS two").first?.require("two", as: Int.self) == 2)

            try await cluster.run("restart")
            #expect(try await pool.query("SELECT 3 AS three").first?.require("three", as: Int.self) == 3)
        }
    }
}

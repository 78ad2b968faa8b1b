import DashboardStorage
import Foundation
import Logging
import TestSupport
import Testing

/// The per-connection prepared statement cache, seen from PostgreSQL's side
/// (`pg_prepared_statements` lists the statements of the session that asks).
@Suite(.tags(.postgres)) struct PreparedStatementTests {
    static let lookup = "SELECT name FROM servers WHERE name = $1"

    /// Statements of this session prepared with exactly `sql`.
    static func prepared(_ sql: String, in pool: ConnectionPool) async throws -> Int {
        try await pool.withConnection { (connection) throws(StorageError) in
            try await connection.query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = \(sql)").first?.require("n") ?? -1
        }
    }

    @Test func sameSQLTwiceIsPreparedOnce() async throws {
        let test = try await TestDatabase.make(poolSize: 1)
        try await test.addServers(2)
        let pool = test.database.pool
        let first = try await pool.query("SELECT name FROM servers WHERE name = \("srv-000")")
        let second = try await pool.query("SELECT name FROM servers WHERE name = \("srv-001")")
        // Each run binds its own value.
        #expect(try first.first?.require("name", as: String.self) == "srv-000")
        #expect(try second.first?.require("name", as: String.self) == "srv-001")
        #expect(try await Self.prepared(Self.lookup, in: pool) == 1)
    }

    @Test func schemaChangeDoesNotBreakAPreparedStatement() async throws {
        let test = try await TestDatabase.make(poolSize: 1)
        let pool = test.database.pool
        try await pool.query("CREATE TABLE widgets (id int)")
        try await pool.query("INSERT INTO widgets VALUES (\(7))")
        #expect(try await pool.query("SELECT * FROM widgets").first?.require("id", as: Int.self) == 7)

        // What a migration does: the prepared `SELECT *` now returns another row type,
        // which PostgreSQL refuses to run as prepared; the connection prepares it anew.
        try await pool.query("ALTER TABLE widgets ADD COLUMN label text DEFAULT 'new'")
        let row = try await pool.query("SELECT * FROM widgets").first
        #expect(try row?.require("id", as: Int.self) == 7)
        #expect(try row?.require("label", as: String.self) == "new")

        // Inside a transaction the statement cannot be retried (the transaction has
        // failed); the caller sees the error once and the next use works.
        try await pool.query("ALTER TABLE widgets ADD COLUMN weight int DEFAULT 3")
        await #expect {
            try await pool.withTransaction { (connection) throws(StorageError) in
                try await connection.query("SELECT * FROM widgets")
            }
        } throws: { error in
            (error as? StorageError)?.sqlState == "0A000"
        }
        #expect(try await pool.query("SELECT * FROM widgets").first?.require("weight", as: Int.self) == 3)
        // The replaced statements were deallocated: one left for the text.
        #expect(try await Self.prepared("SELECT * FROM widgets", in: pool) == 1)
    }

    @Test func cacheIsBoundedAndZeroTurnsItOff() async throws {
        let test = try await TestDatabase.make(poolSize: 1)
        let bounded = ConnectionPool(
            configuration: DatabaseConfiguration(connectionString: test.url, poolSize: 1, statementCacheSize: 2), logger: TestDatabase.logger)
        let (sums, cached, onServer) = try await bounded.withConnection { (connection) throws(StorageError) in
            var sums: [Int] = []
            for value in 1...5 {
                sums.append(try await connection.query("SELECT \(value)::int + \(unsafeRaw: String(value)) AS v").first?.require("v") ?? -1)
            }
            let cached = await connection.preparedStatements
            let onServer: Int = try await connection.query("SELECT count(*)::int AS n FROM pg_prepared_statements").first?.require("n") ?? -1
            return (sums, cached, onServer)
        }
        #expect(sums == [2, 4, 6, 8, 10])
        #expect(cached == 2)
        #expect(onServer == 2)
        await bounded.close()

        let off = ConnectionPool(
            configuration: DatabaseConfiguration(connectionString: test.url, poolSize: 1, statementCacheSize: 0), logger: TestDatabase.logger)
        #expect(try await off.query("SELECT \(1)::int AS v").first?.require("v", as: Int.self) == 1)
        #expect(try await off.query("SELECT count(*)::int AS n FROM pg_prepared_statements").first?.require("n", as: Int.self) == 0)
        await off.close()
    }

    @Test func preparedStatementsSurviveAPostgresRestart() async throws {
        // A cluster of this test's own, so restarting it disturbs no other test.
        try await OwnCluster.with { cluster in
            let pool = ConnectionPool(configuration: DatabaseConfiguration(connectionString: cluster.url, poolSize: 1), logger: TestDatabase.logger)
            #expect(try await pool.query("SELECT \(1)::int AS v").first?.require("v", as: Int.self) == 1)
            #expect(try await pool.query("SELECT \(2)::int AS v").first?.require("v", as: Int.self) == 2)

            // The restart drops the connection and its statements; the fresh connection
            // starts with an empty cache and prepares the same text again.
            try await cluster.run("restart")
            #expect(try await pool.query("SELECT \(3)::int AS v").first?.require("v", as: Int.self) == 3)
            #expect(try await Self.prepared("SELECT $1::int AS v", in: pool) == 1)
            await pool.close()
        }
    }
}

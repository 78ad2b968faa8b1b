import Logging

/// Applies pending migrations once each, in order, under an advisory lock, recording
/// each in `schema_migrations`. Several services may start at once: the lock makes
/// the others wait and then find nothing left to do.
public struct Migrator: Sendable {
    /// The advisory-lock key that serialises migrations ("SDMIGRAT" in ASCII).
    public static let lockKey: Int64 = 0x5344_4D49_4752_4154

    public let pool: ConnectionPool
    public let migrations: [Migration]
    public let logger: Logger

    /// Creates a migrator over the shipped migrations (or others, for tests).
    public init(pool: ConnectionPool, migrations: [Migration] = Migration.all, logger: Logger) {
        self.pool = pool
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies what is pending and returns the versions applied now (empty when up to date).
    @discardableResult
    public func migrate() async throws(StorageError) -> [Int] {
        let migrations = self.migrations
        let logger = self.logger
        return try await pool.withConnection { (connection) throws(StorageError) -> [Int] in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do throws(StorageError) {
                let applied = try await Self.applyPending(migrations, on: connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    /// The versions recorded as applied.
    public func appliedVersions() async throws(StorageError) -> [Int] {
        let result = try await pool.query("SELECT version FROM schema_migrations ORDER BY version")
        var versions: [Int] = []
        for row in result.rows { versions.append(try row.require("version")) }
        return versions
    }

    private static func applyPending(_ migrations: [Migration], on connection: PostgresConnection, logger: Logger) async throws(StorageError) -> [Int] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var recorded: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations").rows {
            recorded[try row.require("version")] = try row.require("checksum")
        }
        var appliedNow: [Int] = []
        for migration in migrations {
            if let checksum = recorded[migration.version] {
                if checksum != migration.checksum {
                    logger.warning("migration was edited after it was applied; ship changes as a new migration", metadata: ["db.migration": "\(migration.name)"])
                }
                continue
            }
            try await connection.query("BEGIN")
            do throws(StorageError) {
                try await connection.unsafeExecuteScript(migration.sql)
                try await connection.query("""
                    INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
                try await connection.query("COMMIT")
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw StorageError(kind: .migration, message: "migration \(migration.name) failed: \(error.message)", sqlState: error.sqlState)
            }
            logger.info("applied migration", metadata: ["db.migration": "\(migration.name)"])
            appliedNow.append(migration.version)
        }
        return appliedNow
    }
}

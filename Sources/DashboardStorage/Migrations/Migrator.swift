import Logging

/// Applies pending migrations once each, in order, under an advisory lock, recording
/// each in `schema_migrations`. Several services may start at once: the lock makes
/// the others wait and then find nothing left to do.
public struct Migrator: Sendable {
    /// The advisory-lock key that serialises migrations ("SDMIGRAT" in ASCII).
    public static let lockKey: Int64 = 0x5344_4D49_4752_4154

    /// Where the migrations run; one connection holds the advisory lock throughout.
    public let pool: ConnectionPool
    /// The migrations to apply where pending, sorted by version.
    public let migrations: [Migration]
    /// Receives a line for each migration applied, and warnings.
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
                try await connection.unsafeExecuteScript(Self.grantReadAccess)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    /// The role the api logs in through (directly or as a member): it may read every table
    /// and nothing else. Created by the deployment (deploy/local/postgres.sh,
    /// services/postgres/entrypoint.sh, or by hand for an external PostgreSQL —
    /// docs/operations.md), never here: the migrating role needs no CREATEROLE.
    public static let readRole = "dashboard_read"

    /// After every migrate, while `readRole` exists, it gets USAGE on the schema and SELECT on
    /// each table that lacks it (a no-op once granted), so tables added later by a migration
    /// are readable by the api whatever order the role and the schema were made in.
    static let grantReadAccess = """
        DO $grant$
        DECLARE
            t regclass;
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(readRole)') THEN
                RETURN;
            END IF;
            IF NOT has_schema_privilege('\(readRole)', current_schema(), 'USAGE') THEN
                BEGIN
                    EXECUTE format('GRANT USAGE ON SCHEMA %I TO \(readRole)', current_schema());
                EXCEPTION WHEN insufficient_privilege THEN
                    RAISE WARNING '\(readRole) cannot use schema %: grant it USAGE as the schema owner', current_schema();
                END;
            END IF;
            FOR t IN
                SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')
                  AND pg_get_userbyid(c.relowner) = current_user
                  AND NOT has_table_privilege('\(readRole)', c.oid, 'SELECT')
            LOOP
                EXECUTE format('GRANT SELECT ON %s TO \(readRole)', t);
            END LOOP;
        END
        $grant$
        """

    /// Whether this connection's role may change the schema (CREATE on the current schema).
    /// The api's read-only role may not: it then waits for the collector's migrations.
    public func mayMigrate() async throws(StorageError) -> Bool {
        try await pool.query("SELECT COALESCE(has_schema_privilege(current_schema(), 'CREATE'), false) AS may").first?.require("may") ?? false
    }

    /// The shipped migrations not yet recorded as applied: all of them while there is no
    /// `schema_migrations` table or this role may not read it yet.
    public func pendingVersions() async throws(StorageError) -> [Int] {
        let applied: Set<Int>
        do throws(StorageError) {
            applied = Set(try await appliedVersions())
        } catch let error where error.sqlState == "42P01" || error.sqlState == "42501" {
            applied = []
        }
        return migrations.map(\.version).filter { !applied.contains($0) }
    }

    /// The versions recorded as applied.
    public func appliedVersions() async throws(StorageError) -> [Int] {
        let result = try await pool.query("SELECT version FROM schema_migrations ORDER BY version")
        var versions: [Int] = []
        for row in result.rows { versions.append(try row.require("version")) }
        return versions
    }

    private static func applyPending(_ migrations: [Migration], on connection: PostgresConnection, logger: Logger) async throws(StorageError) -> [Int] {
        try await connection.query(
            """
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
                    logger.warning(
                        "migration was edited after it was applied; ship changes as a new migration", metadata: ["db.migration": "\(migration.name)"])
                }
                continue
            }
            try await connection.query("BEGIN")
            do throws(StorageError) {
                try await connection.unsafeExecuteScript(migration.sql)
                try await connection.query(
                    """
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

import FoundationEssentials

/// How to reach PostgreSQL: `DATABASE_URL` (a libpq URI or key=value string), else
/// libpq's own `PG*` variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, …).
public struct DatabaseConfiguration: Sendable, Equatable {
    /// The connection string handed to libpq; empty means "use the `PG*` variables".
    public var connectionString: String
    /// Seconds libpq waits for a connection before giving up.
    public var connectTimeoutSeconds: Int
    /// Shown in `pg_stat_activity`.
    public var applicationName: String
    /// Connections the pool keeps at most.
    public var poolSize: Int
    /// Prepared statements each connection keeps (planned once, reused); 0 prepares
    /// none, as a transaction-mode pooler such as PgBouncer before 1.21 needs.
    public var statementCacheSize: Int

    /// Creates a configuration.
    public init(
        connectionString: String = "", connectTimeoutSeconds: Int = 5, applicationName: String = "server-dashboard", poolSize: Int = 4,
        statementCacheSize: Int = 64
    ) {
        self.connectionString = connectionString
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
        self.poolSize = max(1, poolSize)
        self.statementCacheSize = max(0, statementCacheSize)
    }

    /// Reads `DATABASE_URL`, `DATABASE_POOL_SIZE` (default `poolSize`) and
    /// `DATABASE_STATEMENT_CACHE_SIZE` (default 64) from `environment`.
    /// Without `DATABASE_URL`, libpq reads `PGHOST`, `PGPORT`, … from the process environment.
    public init(environment: [String: String], applicationName: String, poolSize: Int = 4) {
        let size = environment["DATABASE_POOL_SIZE"].flatMap { Int($0) } ?? poolSize
        let statements = environment["DATABASE_STATEMENT_CACHE_SIZE"].flatMap { Int($0) } ?? 64
        self.init(connectionString: environment["DATABASE_URL"] ?? "", applicationName: applicationName, poolSize: size, statementCacheSize: statements)
    }
}

import Logging

/// The storage entry point: one pool and the repositories that use it.
public struct Database: Sendable {
    public let pool: ConnectionPool
    public let servers: ServerRepository
    public let samples: SampleRepository
    public let metrics: MetricsRepository
    public let users: UserRepository
    public let runs: RunRepository
    public let alerts: AlertRepository
    public let retention: RetentionRepository

    /// Creates the pool (nothing connects until first use) and its repositories.
    public init(configuration: DatabaseConfiguration, logger: Logger) {
        self.init(pool: ConnectionPool(configuration: configuration, logger: logger))
    }

    /// Builds the repositories over an existing pool.
    public init(pool: ConnectionPool) {
        self.pool = pool
        servers = ServerRepository(pool: pool)
        samples = SampleRepository(pool: pool)
        metrics = MetricsRepository(pool: pool)
        users = UserRepository(pool: pool)
        runs = RunRepository(pool: pool)
        alerts = AlertRepository(pool: pool)
        retention = RetentionRepository(pool: pool)
    }

    /// Applies pending migrations.
    @discardableResult
    public func migrate(logger: Logger) async throws(StorageError) -> [Int] {
        try await Migrator(pool: pool, logger: logger).migrate()
    }
}

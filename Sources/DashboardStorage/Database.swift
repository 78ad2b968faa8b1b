import Logging

/// The storage entry point: one pool and the repositories that use it.
public struct Database: Sendable {
    /// The connections every repository shares.
    public let pool: ConnectionPool
    /// The inventory as stored and how each server last fared (`servers`).
    public let servers: ServerRepository
    /// Writes probe results: samples with their filesystems and users.
    public let samples: SampleRepository
    /// Reads samples: the latest per server, history, filesystem series.
    public let metrics: MetricsRepository
    /// Per-user activity from each server's latest sample.
    public let users: UserRepository
    /// Collection runs and each server's outcome in them.
    public let runs: RunRepository
    /// Opens, updates, resolves and lists alerts.
    public let alerts: AlertRepository
    /// Deletes data older than its retention period, in batches.
    public let retention: RetentionRepository
    /// Silences added with `collector silence add`.
    public let silences: SilenceRepository
    /// The notification outbox and how each delivery fared.
    public let notifications: NotificationRepository
    /// Anomaly flags: each server's model and the score of every scored sample.
    public let anomalies: AnomalyRepository
    /// Change events: reboots, new kernels and OSes, new users, changed host keys.
    public let changeEvents: ChangeEventRepository

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
        silences = SilenceRepository(pool: pool)
        notifications = NotificationRepository(pool: pool)
        anomalies = AnomalyRepository(pool: pool)
        changeEvents = ChangeEventRepository(pool: pool)
    }

    /// Applies pending migrations.
    @discardableResult
    public func migrate(logger: Logger) async throws(StorageError) -> [Int] {
        try await Migrator(pool: pool, logger: logger).migrate()
    }
}

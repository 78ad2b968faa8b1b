import DashboardCore
import DashboardStorage
import FoundationEssentials
import Logging

/// Everything the api reads from its environment (docs/configuration.md), checked once at start.
struct APISettings: Sendable {
    /// `API_HOST` (0.0.0.0): the address to listen on.
    var host: String
    /// `API_PORT` (5000).
    var port: Int
    /// `API_DATABASE_URL` when set (the read-only role: docs/operations.md), else
    /// `DATABASE_URL` or the `PG*` variables; `DATABASE_POOL_SIZE` (8).
    var database: DatabaseConfiguration
    /// `THRESHOLD_*` and `COLLECTION_INTERVAL_MINUTES` (15): statuses and the offline rule.
    var classifier: StatusClassifier
    /// `CORS_ALLOWED_ORIGINS` (empty: CORS off): a comma-separated list of origins, or `*`.
    var corsOrigins: [String]
    /// `API_REQUEST_LOG_LEVEL` (info): the level of the one-line-per-request log.
    var requestLogLevel: Logger.Level
    /// `FORECAST_WINDOW_DAYS` (7): how much history the disk-full forecast fits.
    var forecastWindowDays: Int
    /// `ANOMALY_SCORE_THRESHOLD` (0.65, between 0 and 1): the lowest anomaly score the api reports
    /// as an anomaly (docs/anomalies.md).
    var anomalyScoreThreshold: Double
    /// `EVENTS_MAX_CLIENTS` (1000): the most live event streams (`GET /api/events`) open at once.
    var eventsMaxClients: Int
    /// Whether latest-metrics polls are answered on the event loop from the live cache
    /// (``LatestMetricsChannelHandler``). Not a setting users have: always on, except with
    /// CORS (whose headers only the router adds) and in tests that compare both paths.
    var answersLatestOnEventLoop = true

    /// Reads and validates the settings; errors name the key.
    init(environment: [String: String]) throws(ConfigurationError) {
        let values = EnvironmentValues(environment)
        host = values.string("API_HOST") ?? "0.0.0.0"
        port = try values.integer("API_PORT", default: 5000, in: 1...65535)
        let poolSize = try values.integer("DATABASE_POOL_SIZE", default: 8, in: 1...64)
        var databaseEnvironment = environment
        if let url = values.string("API_DATABASE_URL") { databaseEnvironment["DATABASE_URL"] = url }
        database = DatabaseConfiguration(environment: databaseEnvironment, applicationName: "server-dashboard-api", poolSize: poolSize)
        let interval = Double(try values.integer("COLLECTION_INTERVAL_MINUTES", default: 15, in: 1...1440)) * 60
        classifier = StatusClassifier(thresholds: try Thresholds(environment: environment), collectionInterval: interval)
        corsOrigins = (values.string("CORS_ALLOWED_ORIGINS") ?? "")
            .split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        requestLogLevel =
            Logger.Level(rawValue: try values.choice("API_REQUEST_LOG_LEVEL", default: "info", among: ["trace", "debug", "info", "notice", "warning"])) ?? .info
        forecastWindowDays = try values.integer("FORECAST_WINDOW_DAYS", default: 7, in: 1...90)
        anomalyScoreThreshold = try Self.scoreThreshold(values)
        eventsMaxClients = try values.integer("EVENTS_MAX_CLIENTS", default: 1000, in: 1...100_000)
    }

    /// `ANOMALY_SCORE_THRESHOLD`, read as the collector reads it: strictly between 0 and 1.
    static func scoreThreshold(_ values: EnvironmentValues) throws(ConfigurationError) -> Double {
        guard let raw = values.string("ANOMALY_SCORE_THRESHOLD") else { return 0.65 }
        // 0 would flag every sample, 1 none (scores never reach it).
        guard let value = Double(raw), value.isFinite, value > 0, value < 1 else {
            throw ConfigurationError(
                key: "ANOMALY_SCORE_THRESHOLD", message: "expected a score between 0 and 1 (exclusive), e.g. 0.65, got \"\(raw.prefix(40))\"")
        }
        return value
    }
}

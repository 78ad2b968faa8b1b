import FoundationEssentials

/// `GET /api/health`: whether the api reaches PostgreSQL and whether its answers come from
/// the change-notified cache.
public struct HealthRecord: Codable, Sendable, Equatable {
    /// `healthy` or `unhealthy`.
    public var status: String
    /// When the check ran.
    public var timestamp: Date
    /// `reachable` or `unreachable`.
    public var database: String
    /// `live` (change-notified cache) or `bypassed` (every answer read from the database).
    public var cache: String

    /// The answer for a database that is `reachable` or not and a cache that is `live` or not.
    public init(reachable: Bool, live: Bool, timestamp: Date) {
        status = reachable ? "healthy" : "unhealthy"
        self.timestamp = timestamp
        database = reachable ? "reachable" : "unreachable"
        cache = live ? "live" : "bypassed"
    }
}

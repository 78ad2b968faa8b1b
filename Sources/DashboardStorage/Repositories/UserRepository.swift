import DashboardCore
import FoundationEssentials

/// What `/api/users/top` may filter and sort by.
public struct TopUsersQuery: Sendable, Equatable {
    /// Sortable columns (each maps to fixed SQL; user input never reaches the SQL text).
    public enum SortKey: String, Sendable, CaseIterable {
        case cpu, mem, disk, processCount = "process_count", username, server

        var sql: String {
            switch self {
            case .cpu: "u.cpu_percent"
            case .mem: "u.memory_percent"
            case .disk: "u.home_bytes"
            case .processCount: "u.process_count"
            case .username: "lower(u.username)"
            case .server: "lower(s.name)"
            }
        }
    }

    /// Only this server (exact name).
    public var server: String?
    /// Only user names containing this text, case-insensitively (taken literally: `%` is not a wildcard).
    public var search: String?
    /// The column to order by; ties go by CPU (highest first), then server and user name.
    public var sort: SortKey
    /// Largest first with NULLs last when `true`; smallest first with NULLs first otherwise.
    public var descending: Bool
    /// At most this many rows (the initializer clamps it to 1…`maximumLimit`).
    public var limit: Int
    /// Only samples collected at or after this time (leave out servers gone quiet).
    public var since: Date?

    /// The most rows one call returns.
    public static let maximumLimit = 10_000

    /// Creates a query; `limit` is clamped to 1…`maximumLimit`.
    public init(server: String? = nil, search: String? = nil, sort: SortKey = .cpu, descending: Bool = true, limit: Int = 100, since: Date? = nil) {
        self.server = server
        self.search = search
        self.sort = sort
        self.descending = descending
        self.limit = min(max(1, limit), Self.maximumLimit)
        self.since = since
    }
}

/// Reads per-user activity from each server's latest sample.
public struct UserRepository: Sendable {
    let pool: ConnectionPool

    /// Users of every enabled server's latest sample, filtered and sorted.
    public func top(_ query: TopUsersQuery = TopUsersQuery()) async throws(StorageError) -> [TopUserRecord] {
        let direction = query.descending ? "DESC NULLS LAST" : "ASC NULLS FIRST"
        let result = try await pool.query(
            """
            SELECT u.username, s.name AS server_name, u.cpu_percent, u.memory_percent, u.home_bytes,
                   u.process_count, u.top_process, u.collected_at
            FROM servers s JOIN top_users u ON u.sample_id = s.latest_sample_id
            WHERE s.enabled
              AND (\(query.server)::text IS NULL OR s.name = \(query.server))
              AND (\(query.search)::text IS NULL OR strpos(lower(u.username), lower(\(query.search))) > 0)
              AND (\(query.since)::timestamptz IS NULL OR u.collected_at >= \(query.since))
            ORDER BY \(unsafeRaw: query.sort.sql) \(unsafeRaw: direction), u.cpu_percent DESC, s.name, u.username
            LIMIT \(query.limit)
            """)
        var records: [TopUserRecord] = []
        records.reserveCapacity(result.count)
        for row in result.rows {
            records.append(
                TopUserRecord(
                    username: try row.require("username"), serverName: try row.require("server_name"),
                    cpu: try row.require("cpu_percent"), mem: try row.require("memory_percent"), disk: try row.decode("home_bytes"),
                    processCount: try row.require("process_count"), topProcess: try row.decode("top_process"),
                    timestamp: try row.decode("collected_at")
                ))
        }
        return records
    }

    /// Distinct user names in the latest samples collected at or after `since`.
    public func activeUserCount(since: Date?) async throws(StorageError) -> Int {
        let result = try await pool.query(
            """
            SELECT count(DISTINCT u.username) AS users
            FROM servers s JOIN top_users u ON u.sample_id = s.latest_sample_id
            WHERE s.enabled AND (\(since)::timestamptz IS NULL OR u.collected_at >= \(since))
            """)
        return try result.first?.require("users") ?? 0
    }
}

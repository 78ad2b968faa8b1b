import DashboardCore
import FoundationEssentials

/// The `servers` table: the inventory as stored, and how each server last fared.
public struct ServerRepository: Sendable {
    let pool: ConnectionPool

    static let columns = """
        s.id, s.name, s.host, s.port, s.tags, s.enabled, s.os_name, s.kernel, s.hostname, s.cpu_cores,
        s.first_seen, s.last_seen, s.last_attempt_at, s.last_error_kind, s.last_error,
        s.thresholds::text AS thresholds, s.maintenance
        """

    /// Makes the table match the inventory in one transaction: inserts new servers,
    /// updates changed ones, re-enables returning ones and disables those no longer
    /// listed (they keep their history). Returns each listed server's id by name.
    @discardableResult
    ///
    /// Each server's effective thresholds (stored only where they differ from
    /// `rules.global`) and maintenance windows are stored with it, so the api applies the
    /// same rules.
    public func sync(inventory: [ServerConfig], rules: AlertRules = AlertRules()) async throws(StorageError) -> [String: Int64] {
        let names = inventory.map(\.name)
        let hosts = inventory.map(\.host)
        let ports = inventory.map(\.port)
        let tags = inventory.map { $0.tags.joined(separator: ",") }
        let thresholds: [String?] = inventory.map { server in
            let effective = rules.thresholds(for: server)
            return effective == rules.global ? nil : Self.encode(effective)
        }
        let windows = inventory.map { rules.maintenance(for: $0).map(\.description).joined(separator: ",") }
        return try await pool.withTransaction { (connection) throws(StorageError) -> [String: Int64] in
            let result = try await connection.query(
                """
                INSERT INTO servers (name, host, port, tags, enabled, thresholds, maintenance)
                SELECT name, host, port, COALESCE(string_to_array(NULLIF(tags, ''), ','), '{}'), true, thresholds::jsonb,
                    COALESCE(string_to_array(NULLIF(windows, ''), ','), '{}')
                FROM unnest(\(names)::text[], \(hosts)::text[], \(ports)::integer[], \(tags)::text[], \(thresholds)::text[], \(windows)::text[])
                    AS t(name, host, port, tags, thresholds, windows)
                ON CONFLICT (name) DO UPDATE
                    SET host = excluded.host, port = excluded.port, tags = excluded.tags, enabled = true,
                        thresholds = excluded.thresholds, maintenance = excluded.maintenance,
                        updated_at = CASE WHEN (servers.host, servers.port, servers.tags, servers.enabled, servers.thresholds, servers.maintenance)
                                            IS DISTINCT FROM (excluded.host, excluded.port, excluded.tags, true, excluded.thresholds, excluded.maintenance)
                                          THEN now() ELSE servers.updated_at END
                RETURNING id, name
                """)
            try await connection.query(
                """
                UPDATE servers SET enabled = false, updated_at = now()
                WHERE enabled AND NOT (name = ANY(\(names)::text[]))
                """)
            var ids: [String: Int64] = [:]
            for row in result.rows {
                ids[try row.require("name")] = try row.require("id")
            }
            return ids
        }
    }

    /// The id of the server named `name`, adding it disabled when it is unknown (a result
    /// spooled for a server that has since left the inventory keeps its history).
    public func ensure(name: String, host: String, port: Int) async throws(StorageError) -> Int64 {
        let result = try await pool.query(
            """
            WITH added AS (
                INSERT INTO servers (name, host, port, enabled) VALUES (\(name), \(host), \(port), false)
                ON CONFLICT (name) DO NOTHING
                RETURNING id
            )
            SELECT id FROM added UNION ALL SELECT id FROM servers WHERE name = \(name)
            LIMIT 1
            """)
        guard let id: Int64 = try result.first?.require("id") else {
            throw StorageError(kind: .query, message: "server \(name) could be neither found nor added")
        }
        return id
    }

    /// Every server, by name; disabled ones only when asked.
    public func all(includeDisabled: Bool = false) async throws(StorageError) -> [Server] {
        let result = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM servers s
            WHERE s.enabled OR \(includeDisabled) ORDER BY s.name
            """)
        var servers: [Server] = []
        for row in result.rows { servers.append(try Self.decode(row)) }
        return servers
    }

    /// The server with this exact name, enabled or not.
    public func named(_ name: String) async throws(StorageError) -> Server? {
        let result = try await pool.query("SELECT \(unsafeRaw: Self.columns) FROM servers s WHERE s.name = \(name)")
        return try result.first.map { (row) throws(StorageError) in try Self.decode(row) }
    }

    /// The id of the server's latest sample (its newest by collection time); `nil` before its first.
    public func latestSampleID(serverID: Int64) async throws(StorageError) -> Int64? {
        let result = try await pool.query("SELECT latest_sample_id FROM servers WHERE id = \(serverID)")
        return try result.first?.decode("latest_sample_id")
    }

    /// Records a failed attempt: the server shows as offline until an attempt succeeds.
    public func recordFailure(serverID: Int64, failure: CollectionFailure, at time: Date) async throws(StorageError) {
        try await pool.query(
            """
            UPDATE servers SET last_attempt_at = GREATEST(last_attempt_at, \(time)),
                last_error_kind = \(failure.kind.rawValue), last_error = \(failure.message)
            WHERE id = \(serverID)
            """)
    }

    static func decode(_ row: Row) throws(StorageError) -> Server {
        var failure: CollectionFailure?
        if let kindText: String = try row.decode("last_error_kind") {
            failure = CollectionFailure(kind: FailureKind(rawValue: kindText) ?? .protocol, message: try row.decode("last_error") ?? "")
        }
        return Server(
            id: try row.require("id"),
            name: try row.require("name"),
            host: try row.require("host"),
            port: try row.require("port"),
            tags: try row.decode("tags", as: [String].self) ?? [],
            enabled: try row.require("enabled"),
            osName: try row.decode("os_name"),
            kernel: try row.decode("kernel"),
            hostname: try row.decode("hostname"),
            cpuCores: try row.decode("cpu_cores"),
            firstSeen: try row.decode("first_seen"),
            lastSeen: try row.decode("last_seen"),
            lastAttemptAt: try row.decode("last_attempt_at"),
            lastError: failure,
            thresholds: try (row.decode("thresholds", as: String.self)).flatMap(Self.decodeThresholds),
            maintenance: try row.decode("maintenance", as: [String].self) ?? []
        )
    }

    /// Thresholds as stored in `servers.thresholds`.
    static func encode(_ thresholds: Thresholds) -> String {
        String(decoding: (try? JSONEncoder().encode(thresholds)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// Reads `servers.thresholds`; `nil` when it does not hold a whole set.
    static func decodeThresholds(_ text: String) -> Thresholds? {
        try? JSONDecoder().decode(Thresholds.self, from: Data(text.utf8))
    }
}

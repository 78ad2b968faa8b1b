import DashboardCore
import FoundationEssentials

/// Change events (`change_events`): what changed on a server between two collections
/// (docs/collector.md, "Change events"). Retention keeps them as long as samples.
public struct ChangeEventRepository: Sendable {
    let pool: ConnectionPool

    /// The most events one `list` returns.
    public static let maximumLimit = 1000

    /// Records `events` for the server, in order, in one statement; `previous` and `current`
    /// are cleaned and cut to `ChangeEvent.maximumValueBytes`.
    public func record(_ events: [ChangeEvent], serverID: Int64) async throws(StorageError) {
        guard !events.isEmpty else { return }
        func bounded(_ text: String?) -> String? { text.map { HostText.clean($0, maximumBytes: ChangeEvent.maximumValueBytes).text } }
        try await pool.query(
            """
            INSERT INTO change_events (server_id, at, kind, previous, current)
            SELECT \(serverID), e.at, e.kind, e.previous, e.current
            FROM unnest(
                \(events.map(\.at))::timestamptz[], \(events.map(\.kind.rawValue))::text[], \(events.map { bounded($0.previous) })::text[],
                \(events.map { bounded($0.current) })::text[]
            ) WITH ORDINALITY AS e(at, kind, previous, current, position)
            ORDER BY e.position
            """)
    }

    /// Records one event.
    public func record(_ event: ChangeEvent, serverID: Int64) async throws(StorageError) {
        try await record([event], serverID: serverID)
    }

    /// Records that the server presented a changed host key, once per change: nothing when a
    /// `host_key_changed` event was recorded since the server's last stored sample (it is
    /// still refused), so a server refused run after run gives one event until it is trusted
    /// again and collected. Returns whether an event was recorded.
    @discardableResult
    public func recordHostKeyChange(serverID: Int64, at time: Date, fingerprint: String?) async throws(StorageError) -> Bool {
        let current = fingerprint.map { HostText.clean($0, maximumBytes: ChangeEvent.maximumValueBytes).text }
        let result = try await pool.query(
            """
            INSERT INTO change_events (server_id, at, kind, previous, current)
            SELECT s.id, \(time), 'host_key_changed', NULL, \(current)
            FROM servers s
            WHERE s.id = \(serverID) AND NOT EXISTS (
                SELECT 1 FROM change_events e
                WHERE e.server_id = s.id AND e.kind = 'host_key_changed' AND e.at >= COALESCE(s.last_seen, '-infinity'))
            """)
        return result.affectedRows > 0
    }

    /// The server's events in `[from, to]`, newest first, at most `limit` (clamped to
    /// 1…`maximumLimit`); `[]` for an unknown server.
    public func list(serverNamed name: String, from: Date, to: Date, limit: Int = 100) async throws(StorageError) -> [ChangeEvent] {
        let result = try await pool.query(
            """
            SELECT e.kind, e.at, e.previous, e.current
            FROM servers s JOIN change_events e ON e.server_id = s.id
            WHERE s.name = \(name) AND e.at >= \(from) AND e.at <= \(to)
            ORDER BY e.at DESC, e.id DESC
            LIMIT \(min(max(1, limit), Self.maximumLimit))
            """)
        var events: [ChangeEvent] = []
        events.reserveCapacity(result.count)
        for row in result.rows {
            // A kind this version does not know (written by a newer collector) is left out.
            guard let kind = ChangeEventKind(rawValue: try row.require("kind")) else { continue }
            events.append(ChangeEvent(kind: kind, at: try row.require("at"), previous: try row.decode("previous"), current: try row.decode("current")))
        }
        return events
    }
}

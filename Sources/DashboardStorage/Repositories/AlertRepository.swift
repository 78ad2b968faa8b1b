import DashboardCore
import FoundationEssentials

/// Alerts: opened when a threshold is crossed or a server goes offline, resolved when it
/// comes back. The schema allows at most one open alert per server and type.
public struct AlertRepository: Sendable {
    let pool: ConnectionPool

    /// Which alerts to list.
    public enum State: String, Sendable, CaseIterable {
        case active, resolved, all
    }

    /// Opens an alert, or updates the open one of the same server and type.
    /// Returns `true` when a new alert was opened.
    @discardableResult
    public func open(serverID: Int64, type: AlertType, severity: AlertSeverity, message: String, value: Double?, at time: Date) async throws(StorageError)
        -> Bool
    {
        let result = try await pool.query(
            """
            INSERT INTO alerts (server_id, type, severity, message, value, opened_at, updated_at)
            VALUES (\(serverID), \(type.rawValue), \(severity.rawValue), \(message), \(value), \(time), \(time))
            ON CONFLICT (server_id, type) WHERE resolved_at IS NULL DO UPDATE
                SET severity = excluded.severity, message = excluded.message, value = excluded.value, updated_at = excluded.updated_at
            RETURNING (xmax = 0) AS inserted
            """)
        return try result.first?.require("inserted") ?? false
    }

    /// Resolves the open alert of this server and type, if any. Returns whether one was open.
    @discardableResult
    public func resolve(serverID: Int64, type: AlertType, at time: Date) async throws(StorageError) -> Bool {
        let result = try await pool.query(
            """
            UPDATE alerts SET resolved_at = \(time), updated_at = \(time)
            WHERE server_id = \(serverID) AND type = \(type.rawValue) AND resolved_at IS NULL
            """)
        return result.affectedRows > 0
    }

    /// Alerts in the given state, newest first; only the server named `server` when given.
    /// Each carries its notifications' deliveries and, while active, what silences it at `now`.
    public func list(_ state: State = .active, server: String? = nil, limit: Int = 500, now: Date = Date()) async throws(StorageError) -> [Alert] {
        let result = try await pool.query(
            """
            SELECT a.id, s.name AS server_name, a.type, a.severity, a.message, a.value, a.opened_at, a.resolved_at, s.tags, s.maintenance
            FROM alerts a JOIN servers s ON s.id = a.server_id
            WHERE ((\(state.rawValue) = 'all')
               OR (\(state.rawValue) = 'active' AND a.resolved_at IS NULL AND s.enabled)
               OR (\(state.rawValue) = 'resolved' AND a.resolved_at IS NOT NULL))
              AND (\(server)::text IS NULL OR s.name = \(server))
            ORDER BY COALESCE(a.resolved_at, a.opened_at) DESC, a.id DESC
            LIMIT \(min(max(1, limit), 10_000))
            """)
        var alerts: [ListedAlert] = []
        for row in result.rows {
            let alert = Alert(
                id: try row.require("id"), serverName: try row.require("server_name"),
                type: AlertType(rawValue: try row.require("type")) ?? .offline,
                severity: AlertSeverity(rawValue: try row.require("severity")) ?? .warning,
                message: try row.require("message"), value: try row.decode("value"),
                openedAt: try row.require("opened_at"), resolvedAt: try row.decode("resolved_at")
            )
            alerts.append(ListedAlert(alert: alert, tags: try row.decode("tags") ?? [], maintenance: try row.decode("maintenance") ?? []))
        }
        return try await withDeliveriesAndSilencing(alerts, now: now)
    }
}

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

    /// Applies the decisions of one collection attempt in one statement: resolves what
    /// should be resolved, opens or updates what should be open. Returns the alert types
    /// newly opened.
    ///
    /// Decisions older than what an alert already shows (a replayed sample, applied at the
    /// time it was collected) never move it back: an alert is not resolved before it
    /// opened, nor its figure replaced by an older one.
    @discardableResult
    public func apply(_ decisions: [AlertDecision], serverID: Int64, at time: Date) async throws(StorageError) -> [AlertType] {
        var resolveTypes: [String] = []
        var openTypes: [String] = []
        var severities: [String] = []
        var messages: [String] = []
        var values: [Double?] = []
        for decision in decisions {
            switch decision {
            case .open(let type, let severity, let message, let value):
                openTypes.append(type.rawValue)
                severities.append(severity.rawValue)
                messages.append(message)
                values.append(value)
            case .resolve(let type):
                resolveTypes.append(type.rawValue)
            }
        }
        guard !decisions.isEmpty else { return [] }
        let result = try await pool.query(
            """
            WITH resolved AS (
                UPDATE alerts SET resolved_at = \(time), updated_at = \(time)
                WHERE server_id = \(serverID) AND resolved_at IS NULL AND type = ANY(\(resolveTypes)::text[]) AND opened_at <= \(time)
                RETURNING id
            ), opened AS (
                INSERT INTO alerts (server_id, type, severity, message, value, opened_at, updated_at)
                SELECT \(serverID), o.type, o.severity, o.message, o.value, \(time), \(time)
                FROM unnest(\(openTypes)::text[], \(severities)::text[], \(messages)::text[], \(values)::double precision[])
                    AS o(type, severity, message, value)
                ON CONFLICT (server_id, type) WHERE resolved_at IS NULL DO UPDATE
                    SET severity = excluded.severity, message = excluded.message, value = excluded.value, updated_at = excluded.updated_at
                    WHERE alerts.updated_at <= excluded.updated_at
                RETURNING type, (xmax = 0) AS inserted
            )
            SELECT type FROM opened WHERE inserted
            """)
        var opened: [AlertType] = []
        for row in result.rows {
            if let type = AlertType(rawValue: try row.require("type")) { opened.append(type) }
        }
        return opened
    }

    /// Alerts in the given state, newest first.
    public func list(_ state: State = .active, limit: Int = 500) async throws(StorageError) -> [Alert] {
        let result = try await pool.query(
            """
            SELECT a.id, s.name AS server_name, a.type, a.severity, a.message, a.value, a.opened_at, a.resolved_at
            FROM alerts a JOIN servers s ON s.id = a.server_id
            WHERE (\(state.rawValue) = 'all')
               OR (\(state.rawValue) = 'active' AND a.resolved_at IS NULL AND s.enabled)
               OR (\(state.rawValue) = 'resolved' AND a.resolved_at IS NOT NULL)
            ORDER BY COALESCE(a.resolved_at, a.opened_at) DESC, a.id DESC
            LIMIT \(min(max(1, limit), 10_000))
            """)
        var alerts: [Alert] = []
        for row in result.rows {
            alerts.append(
                Alert(
                    id: try row.require("id"), serverName: try row.require("server_name"),
                    type: AlertType(rawValue: try row.require("type")) ?? .offline,
                    severity: AlertSeverity(rawValue: try row.require("severity")) ?? .warning,
                    message: try row.require("message"), value: try row.decode("value"),
                    openedAt: try row.require("opened_at"), resolvedAt: try row.decode("resolved_at")
                ))
        }
        return alerts
    }
}

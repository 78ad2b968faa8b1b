import DashboardCore
import FoundationEssentials

extension AlertRepository {
    /// Applies the decisions of one collection attempt in one transaction: updates the
    /// server's debounce streaks, resolves what should be resolved, opens or updates what
    /// should be open, and writes the notification of every change that is to be told
    /// (the outbox: an `alert_events` row and a `notifications` row per channel), so a
    /// change and its notification are stored together or not at all. Returns the alert
    /// types newly opened.
    ///
    /// Decisions older than what an alert already shows (a replayed sample, applied at the
    /// time it was collected) never move it back: an alert is not resolved before it
    /// opened, nor its figure replaced by an older one.
    @discardableResult
    public func apply(
        _ decisions: [AlertDecision], serverID: Int64, at time: Date, debouncer: AlertDebouncer = AlertDebouncer(),
        subject: AlertSubject? = nil, outbox: AlertOutbox = .silent
    ) async throws(StorageError) -> [AlertType] {
        guard !decisions.isEmpty else { return [] }
        return try await pool.withTransaction { (connection) throws(StorageError) -> [AlertType] in
            let open = try await Self.openAlerts(serverID: serverID, connection: connection)
            let streaks = try await Self.streaks(serverID: serverID, connection: connection)
            let filtered = debouncer.filter(decisions, streaks: streaks, open: open.mapValues(\.severity))
            try await Self.store(filtered.streaks, serverID: serverID, at: time, connection: connection)
            let changes = try await Self.move(filtered.decisions, serverID: serverID, at: time, connection: connection)
            var opened: [AlertType] = []
            for change in changes {
                if change.kind == .opened { opened.append(change.type) }
                try await Self.tell(change, before: open[change.type], subject: subject, outbox: outbox, at: time, connection: connection)
            }
            return opened
        }
    }

    /// An open alert as the outbox needs it.
    struct OpenAlert {
        var id: Int64
        var severity: AlertSeverity
        var notified: Bool
    }

    /// What one decision did to one alert.
    struct Change {
        enum Kind { case opened, updated, resolved }
        var kind: Kind
        var id: Int64
        var type: AlertType
        var severity: AlertSeverity
        var message: String
        var value: Double?
    }

    static func openAlerts(serverID: Int64, connection: PostgresConnection) async throws(StorageError) -> [AlertType: OpenAlert] {
        let result = try await connection.query(
            """
            SELECT id, type, severity, notified FROM alerts
            WHERE server_id = \(serverID) AND resolved_at IS NULL FOR UPDATE
            """)
        var open: [AlertType: OpenAlert] = [:]
        for row in result.rows {
            guard let type = AlertType(rawValue: try row.require("type")) else { continue }
            open[type] = OpenAlert(
                id: try row.require("id"), severity: AlertSeverity(rawValue: try row.require("severity")) ?? .warning, notified: try row.require("notified"))
        }
        return open
    }

    static func streaks(serverID: Int64, connection: PostgresConnection) async throws(StorageError) -> [AlertType: AlertDebouncer.Streak] {
        let result = try await connection.query(
            "SELECT type, level, count, bad_count FROM alert_streaks WHERE server_id = \(serverID) FOR UPDATE")
        var streaks: [AlertType: AlertDebouncer.Streak] = [:]
        for row in result.rows {
            guard let type = AlertType(rawValue: try row.require("type")), let level = MetricStatus(rawValue: try row.require("level")) else { continue }
            streaks[type] = AlertDebouncer.Streak(level: level, count: try row.require("count"), badCount: try row.require("bad_count"))
        }
        return streaks
    }

    static func store(_ streaks: [AlertType: AlertDebouncer.Streak], serverID: Int64, at time: Date, connection: PostgresConnection)
        async throws(StorageError)
    {
        guard !streaks.isEmpty else { return }
        let entries = streaks.sorted { $0.key.rawValue < $1.key.rawValue }
        try await connection.query(
            """
            INSERT INTO alert_streaks (server_id, type, level, count, bad_count, updated_at)
            SELECT \(serverID), t.type, t.level, t.count, t.bad_count, \(time)
            FROM unnest(\(entries.map(\.key.rawValue))::text[], \(entries.map(\.value.level.rawValue))::text[],
                        \(entries.map(\.value.count))::integer[], \(entries.map(\.value.badCount))::integer[]) AS t(type, level, count, bad_count)
            ON CONFLICT (server_id, type) DO UPDATE
                SET level = excluded.level, count = excluded.count, bad_count = excluded.bad_count, updated_at = excluded.updated_at
            """)
    }

    /// Resolves, opens and updates alerts as decided; returns what changed.
    static func move(_ decisions: [AlertDecision], serverID: Int64, at time: Date, connection: PostgresConnection) async throws(StorageError) -> [Change] {
        guard !decisions.isEmpty else { return [] }
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
        let result = try await connection.query(
            """
            WITH resolved AS (
                UPDATE alerts SET resolved_at = \(time), updated_at = \(time), notify_held = false
                WHERE server_id = \(serverID) AND resolved_at IS NULL AND type = ANY(\(resolveTypes)::text[]) AND opened_at <= \(time)
                RETURNING id, type, severity, message, value
            ), opened AS (
                INSERT INTO alerts (server_id, type, severity, message, value, opened_at, updated_at)
                SELECT \(serverID), o.type, o.severity, o.message, o.value, \(time), \(time)
                FROM unnest(\(openTypes)::text[], \(severities)::text[], \(messages)::text[], \(values)::double precision[])
                    AS o(type, severity, message, value)
                ON CONFLICT (server_id, type) WHERE resolved_at IS NULL DO UPDATE
                    SET severity = excluded.severity, message = excluded.message, value = excluded.value, updated_at = excluded.updated_at
                    WHERE alerts.updated_at <= excluded.updated_at
                RETURNING id, type, severity, message, value, (xmax = 0) AS inserted
            )
            SELECT 'resolved' AS change, id, type, severity, message, value FROM resolved
            UNION ALL
            SELECT CASE WHEN inserted THEN 'opened' ELSE 'updated' END, id, type, severity, message, value FROM opened
            """)
        var changes: [Change] = []
        for row in result.rows {
            guard let type = AlertType(rawValue: try row.require("type")) else { continue }
            let kind: Change.Kind =
                switch try row.require("change", as: String.self) {
                case "resolved": .resolved
                case "opened": .opened
                default: .updated
                }
            changes.append(
                Change(
                    kind: kind, id: try row.require("id"), type: type, severity: AlertSeverity(rawValue: try row.require("severity")) ?? .warning,
                    message: try row.require("message"), value: try row.decode("value")))
        }
        return changes
    }

    /// Writes the notification of one change when it is to be told: opened, escalated
    /// (warning → critical) or, for an alert that was told, resolved. A change under a
    /// silence or maintenance window is held instead and told when that ends.
    static func tell(_ change: Change, before: OpenAlert?, subject: AlertSubject?, outbox: AlertOutbox, at time: Date, connection: PostgresConnection)
        async throws(StorageError)
    {
        guard !outbox.channels.isEmpty else { return }
        let event: String
        switch change.kind {
        case .opened:
            event = "opened"
        case .updated:
            guard let before, (before.severity == .warning && change.severity == .critical) || !before.notified else { return }
            event = before.notified ? "escalated" : "opened"
        case .resolved:
            guard outbox.notifyResolved, before?.notified == true else { return }
            if subject?.silencing(change.type, silences: outbox.silences, at: time) != nil { return }
            try await writeEvent(
                alertID: change.id, event: "resolved", severity: change.severity, message: change.message, value: change.value, at: time,
                channels: outbox.channels, connection: connection)
            return
        }
        guard outbox.tells(change.severity) else { return }
        if subject?.silencing(change.type, silences: outbox.silences, at: time) != nil {
            try await connection.query("UPDATE alerts SET notify_held = true WHERE id = \(change.id)")
            return
        }
        try await writeEvent(
            alertID: change.id, event: event, severity: change.severity, message: change.message, value: change.value, at: time,
            channels: outbox.channels, connection: connection)
    }

    /// Writes one alert event and its pending notification per channel; an opened,
    /// escalated or reminder event marks the alert as told.
    static func writeEvent(
        alertID: Int64, event: String, severity: AlertSeverity, message: String, value: Double?, at time: Date, channels: [OutboxChannel],
        connection: PostgresConnection
    ) async throws(StorageError) {
        try await connection.query(
            """
            WITH e AS (
                INSERT INTO alert_events (alert_id, event, severity, message, value, created_at)
                VALUES (\(alertID), \(event), \(severity.rawValue), \(message), \(value), \(time))
                RETURNING id
            )
            INSERT INTO notifications (event_ref, channel_key, channel, next_attempt_at, created_at)
            SELECT e.id, c.key, c.label, now(), now()
            FROM e, unnest(\(channels.map(\.key))::text[], \(channels.map(\.label))::text[]) AS c(key, label)
            """)
        if event != "resolved" {
            try await connection.query(
                "UPDATE alerts SET notified = true, notify_held = false, last_notice_at = \(time) WHERE id = \(alertID)")
        }
    }
}

import DashboardCore
import DashboardStorage
import Foundation

/// Silences, alert events and notification rows written straight into the tables the
/// collector fills (docs/notifications.md), so the read side — storage, api, pages — is
/// tested on real rows without a notification channel.
public enum SeededAlerting {
    /// One channel's row of an event.
    public struct Row: Sendable {
        /// The channel label, without credentials.
        public var channel: String
        /// pending, delivered or failed.
        public var state: String
        /// Attempts made.
        public var attempts: Int
        /// The latest failure.
        public var lastError: String?
        /// When it was accepted.
        public var deliveredAt: Date?

        /// Creates a row.
        public init(channel: String, state: String, attempts: Int = 1, lastError: String? = nil, deliveredAt: Date? = nil) {
            self.channel = channel
            self.state = state
            self.attempts = attempts
            self.lastError = lastError
            self.deliveredAt = deliveredAt
        }
    }

    /// The webhook channel's label.
    public static let webhook = "https://hooks.example.test/alerts"
    /// The Slack channel's label (its token masked, as the collector stores it).
    public static let slack = "slack+https://hooks.slack.example.test/services/…"
    /// The ntfy channel's label.
    public static let ntfy = "ntfy+https://ntfy.example.test/ops"
    /// A failure text that is an HTML script element, as a hostile receiver might answer.
    public static let hostileError = "HTTP 500: <script>alert('x')</script>"
    /// The reason of the silence ``seed(_:now:)`` adds.
    public static let silenceReason = "disk swap <b>tonight</b> & reboot"

    /// Writes an event of the alert `alertID` at `at` and one notification per row;
    /// returns the event's id (a UUID) and the notification ids in row order.
    @discardableResult
    public static func addEvent(_ database: Database, alertID: Int64, event: String = "opened", at: Date, rows: [Row]) async throws -> (
        eventID: String, notificationIDs: [Int64]
    ) {
        let inserted = try await database.pool.query(
            """
            INSERT INTO alert_events (alert_id, event, severity, message, value, created_at)
            SELECT id, \(event), severity, message, value, \(at) FROM alerts WHERE id = \(alertID)
            RETURNING id, event_id::text AS event_id
            """)
        guard let eventRow = inserted.first else { throw TestEnvironmentError("no alert with id \(alertID)") }
        let eventRef: Int64 = try eventRow.require("id")
        let eventID: String = try eventRow.require("event_id")
        let result = try await database.pool.query(
            """
            INSERT INTO notifications (event_ref, channel_key, channel, state, attempts, last_error, next_attempt_at, delivered_at, created_at)
            SELECT \(eventRef), md5(d.channel), d.channel, d.state, d.attempts, d.last_error, \(at), d.delivered_at, \(at)
            FROM unnest(\(rows.map(\.channel))::text[], \(rows.map(\.state))::text[], \(rows.map(\.attempts))::integer[],
                        \(rows.map(\.lastError))::text[], \(rows.map(\.deliveredAt))::timestamptz[])
                WITH ORDINALITY AS d(channel, state, attempts, last_error, delivered_at, position)
            ORDER BY d.position
            RETURNING id
            """)
        return (eventID, try result.rows.map { (row) throws(StorageError) in try row.require("id") }.sorted())
    }

    /// On top of ``SeededFleet``: the critical server's CPU alert silenced (reason
    /// ``silenceReason``) and told on three channels — delivered by the webhook, failed on
    /// Slack with ``hostileError``, pending on ntfy; the failing server's offline alert
    /// pending on the webhook; and a silence that ended an hour ago.
    @discardableResult
    public static func seed(_ database: Database, now: Date = Date()) async throws -> (critical: Int64, failing: Int64) {
        let active = try await database.alerts.list(.active, now: now)
        guard let critical = active.first(where: { $0.serverName == SeededFleet.critical && $0.type == .cpu }),
            let failing = active.first(where: { $0.serverName == SeededFleet.failing && $0.type == .offline })
        else { throw TestEnvironmentError("SeededFleet.seed must run first: its critical CPU and offline alerts are missing") }
        try await addEvent(
            database, alertID: critical.id, at: now.addingTimeInterval(-80),
            rows: [
                Row(channel: webhook, state: "delivered", attempts: 1, deliveredAt: now.addingTimeInterval(-79)),
                Row(channel: slack, state: "failed", attempts: 7, lastError: hostileError),
                Row(channel: ntfy, state: "pending", attempts: 2, lastError: "timed out after 10 s"),
            ])
        try await addEvent(database, alertID: failing.id, at: now.addingTimeInterval(-55), rows: [Row(channel: webhook, state: "pending", attempts: 0)])
        try await database.silences.add(
            scope: .server(SeededFleet.critical), alertType: .cpu, reason: silenceReason, startsAt: now.addingTimeInterval(-600),
            endsAt: now.addingTimeInterval(7200))
        try await database.silences.add(
            scope: .all, alertType: nil, reason: "an old change window", startsAt: now.addingTimeInterval(-7200), endsAt: now.addingTimeInterval(-3600))
        return (critical.id, failing.id)
    }
}

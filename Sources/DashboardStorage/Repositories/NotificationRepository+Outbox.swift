import DashboardCore
import FoundationEssentials

/// A notification waiting to be delivered, with the event and alert it tells about.
public struct PendingNotification: Sendable, Equatable {
    /// The notification row's id.
    public var id: Int64
    /// The channel's key (`OutboxChannel.key`).
    public var channelKey: String
    /// Delivery attempts so far.
    public var attempts: Int
    /// When it was written.
    public var createdAt: Date
    /// The event's id, the key receivers deduplicate by.
    public var eventID: String
    /// opened, escalated, resolved or reminder.
    public var event: String
    /// The alert's id.
    public var alertID: Int64
    /// The alert's server.
    public var serverName: String
    /// The alert's type.
    public var type: String
    /// The alert's severity when the event happened.
    public var severity: String
    /// The alert's message when the event happened.
    public var message: String
    /// The alert's figure when the event happened.
    public var value: Double?
    /// When the alert opened.
    public var openedAt: Date
    /// When it resolved, for a resolved event.
    public var resolvedAt: Date?
}

/// A notification given up on (too old, or its channel left `NOTIFY_URLS`).
public struct AbandonedNotification: Sendable, Equatable {
    /// The notification row's id.
    public var id: Int64
    /// The channel's label.
    public var channel: String
    /// The event's id.
    public var eventID: String
    /// The alert's server.
    public var serverName: String
    /// Attempts made.
    public var attempts: Int
    /// Why it was given up, as recorded.
    public var reason: String
}

/// An open alert whose change was held back by a silence or maintenance window, or
/// one due a reminder.
public struct AlertToTell: Sendable, Equatable {
    /// The alert's id.
    public var alertID: Int64
    /// Its server, as silences match it.
    public var serverName: String
    /// The server's tags.
    public var tags: [String]
    /// The server's maintenance windows as stored.
    public var maintenance: [String]
    /// The alert's type.
    public var type: AlertType
    /// Its severity now.
    public var severity: AlertSeverity
    /// Its message now.
    public var message: String
    /// Its figure now.
    public var value: Double?
    /// Whether an opened or escalated event was written for it already.
    public var notified: Bool

    /// The subject silences are matched against.
    public var subject: AlertSubject {
        AlertSubject(name: serverName, tags: tags, maintenance: maintenance.compactMap(MaintenanceWindow.init))
    }
}

/// An event to write for an open alert: `opened` or `escalated` once its silence ended, or `reminder`.
public struct AlertNotice: Sendable, Equatable {
    /// The alert's id.
    public var alertID: Int64
    /// opened, escalated or reminder.
    public var event: String

    /// Creates a notice.
    public init(alertID: Int64, event: String) {
        self.alertID = alertID
        self.event = event
    }
}

extension NotificationRepository {
    private static let pendingColumns = """
        n.id, n.channel_key, n.attempts, n.created_at, e.event_id::text AS event_id, e.event, e.severity, e.message, e.value,
        a.id AS alert_id, s.name AS server_name, a.type, a.opened_at, CASE WHEN e.event = 'resolved' THEN a.resolved_at END AS resolved_at
        """

    /// Pending notifications due at `now`, oldest first, at most `limit` per channel.
    public func due(at now: Date, limitPerChannel: Int = 1000) async throws(StorageError) -> [PendingNotification] {
        let result = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.pendingColumns) FROM (
                SELECT n.*, row_number() OVER (PARTITION BY n.channel_key ORDER BY n.created_at, n.id) AS place
                FROM notifications n WHERE n.state = 'pending' AND n.next_attempt_at <= \(now)
            ) n
            JOIN alert_events e ON e.id = n.event_ref
            JOIN alerts a ON a.id = e.alert_id
            JOIN servers s ON s.id = a.server_id
            WHERE n.place <= \(limitPerChannel)
            ORDER BY n.created_at, n.id
            """)
        var pending: [PendingNotification] = []
        for row in result.rows {
            pending.append(
                PendingNotification(
                    id: try row.require("id"), channelKey: try row.require("channel_key"), attempts: try row.require("attempts"),
                    createdAt: try row.require("created_at"), eventID: try row.require("event_id"), event: try row.require("event"),
                    alertID: try row.require("alert_id"), serverName: try row.require("server_name"), type: try row.require("type"),
                    severity: try row.require("severity"), message: try row.require("message"), value: try row.decode("value"),
                    openedAt: try row.require("opened_at"), resolvedAt: try row.decode("resolved_at")))
        }
        return pending
    }

    /// Records a delivery: the rows are delivered and never sent again.
    public func markDelivered(_ ids: [Int64], at time: Date) async throws(StorageError) {
        try await pool.query(
            """
            UPDATE notifications SET state = 'delivered', attempts = attempts + 1, delivered_at = \(time), last_error = NULL
            WHERE id = ANY(\(ids)::bigint[]) AND state = 'pending'
            """)
    }

    /// Records a failed attempt; the rows are tried again from `retryAt`.
    public func markFailed(_ ids: [Int64], error: String, retryAt: Date) async throws(StorageError) {
        try await pool.query(
            """
            UPDATE notifications SET attempts = attempts + 1, last_error = \(String(error.prefix(1000))), next_attempt_at = \(retryAt)
            WHERE id = ANY(\(ids)::bigint[]) AND state = 'pending'
            """)
    }

    /// Gives up on pending notifications written before `cutoff` and on those whose channel
    /// is not among `channelKeys`; returns them, for the log.
    public func abandon(writtenBefore cutoff: Date, maximumAgeHours: Int, keepingChannels channelKeys: [String]) async throws(StorageError)
        -> [AbandonedNotification]
    {
        let result = try await pool.query(
            """
            WITH gone AS (
                UPDATE notifications n SET state = 'failed',
                    last_error = CASE WHEN NOT (n.channel_key = ANY(\(channelKeys)::text[]))
                        THEN 'not delivered: this channel is no longer in NOTIFY_URLS'
                        ELSE 'gave up after ' || n.attempts || ' attempts in ' || \(maximumAgeHours) || ' h (NOTIFY_MAX_AGE_HOURS)'
                             || COALESCE('; last error: ' || n.last_error, '') END
                WHERE n.state = 'pending' AND (n.created_at < \(cutoff) OR NOT (n.channel_key = ANY(\(channelKeys)::text[])))
                RETURNING n.id, n.channel, n.attempts, n.last_error, n.event_ref
            )
            SELECT g.id, g.channel, g.attempts, g.last_error, e.event_id::text AS event_id, s.name AS server_name
            FROM gone g JOIN alert_events e ON e.id = g.event_ref JOIN alerts a ON a.id = e.alert_id JOIN servers s ON s.id = a.server_id
            ORDER BY g.id
            """)
        var abandoned: [AbandonedNotification] = []
        for row in result.rows {
            abandoned.append(
                AbandonedNotification(
                    id: try row.require("id"), channel: try row.require("channel"), eventID: try row.require("event_id"),
                    serverName: try row.require("server_name"), attempts: try row.require("attempts"), reason: try row.decode("last_error") ?? ""))
        }
        return abandoned
    }

    /// Open alerts of enabled servers whose notice was held back by a silence, and (with
    /// `remindBefore`) told alerts whose last notice is older than that.
    public func alertsToTell(remindBefore: Date?) async throws(StorageError) -> (held: [AlertToTell], reminders: [AlertToTell]) {
        let result = try await pool.query(
            """
            SELECT a.id, s.name, s.tags, s.maintenance, a.type, a.severity, a.message, a.value, a.notified, a.notify_held
            FROM alerts a JOIN servers s ON s.id = a.server_id
            WHERE a.resolved_at IS NULL AND s.enabled
              AND (a.notify_held OR (a.notified AND a.last_notice_at < \(remindBefore)::timestamptz))
            ORDER BY a.id
            """)
        var held: [AlertToTell] = []
        var reminders: [AlertToTell] = []
        for row in result.rows {
            guard let type = AlertType(rawValue: try row.require("type")) else { continue }
            let alert = AlertToTell(
                alertID: try row.require("id"), serverName: try row.require("name"), tags: try row.decode("tags", as: [String].self) ?? [],
                maintenance: try row.decode("maintenance", as: [String].self) ?? [], type: type,
                severity: AlertSeverity(rawValue: try row.require("severity")) ?? .warning, message: try row.require("message"),
                value: try row.decode("value"), notified: try row.require("notified"))
            if try row.require("notify_held", as: Bool.self) { held.append(alert) } else { reminders.append(alert) }
        }
        return (held, reminders)
    }

    /// Writes, in one statement, an event for each notice of an open alert (`opened` or
    /// `escalated` for one held back, `reminder`) with a pending notification per channel,
    /// and marks those alerts as told; an alert resolved in the meantime is skipped.
    public func tell(_ notices: [AlertNotice], at time: Date, channels: [OutboxChannel]) async throws(StorageError) {
        guard !notices.isEmpty, !channels.isEmpty else { return }
        try await pool.query(
            """
            WITH told AS (
                SELECT a.id, t.event, a.severity, a.message, a.value
                FROM unnest(\(notices.map(\.alertID))::bigint[], \(notices.map(\.event))::text[]) AS t(id, event)
                JOIN alerts a ON a.id = t.id AND a.resolved_at IS NULL
                FOR UPDATE OF a
            ), events AS (
                INSERT INTO alert_events (alert_id, event, severity, message, value, created_at)
                SELECT id, event, severity, message, value, \(time) FROM told
                RETURNING id
            ), queued AS (
                INSERT INTO notifications (event_ref, channel_key, channel, next_attempt_at, created_at)
                SELECT e.id, c.key, c.label, now(), now()
                FROM events e, unnest(\(channels.map(\.key))::text[], \(channels.map(\.label))::text[]) AS c(key, label)
            )
            UPDATE alerts SET notified = true, notify_held = false, last_notice_at = \(time) WHERE id IN (SELECT id FROM told)
            """)
    }
}

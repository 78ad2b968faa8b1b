import DashboardCore
import FoundationEssentials

/// The notification outbox: one row per alert event and channel, and how its delivery
/// fares (docs/notifications.md). This file reads it; the collector's writes are in
/// `NotificationRepository+Outbox.swift`.
public struct NotificationRepository: Sendable {
    let pool: ConnectionPool

    /// The most deliveries ``deliveries(alertIDs:perAlert:)`` returns per alert by default.
    public static let deliveriesPerAlert = 20

    /// The columns of a ``NotificationDelivery``, over `notifications n`, `alert_events e`,
    /// `alerts a` and `servers s`.
    static let columns = """
        n.id, e.alert_id, s.name AS server_name, e.event, e.event_id::text AS event_id, n.channel, n.state, n.attempts, n.last_error,
        n.delivered_at, n.created_at
        """

    static let joins = """
        FROM notifications n JOIN alert_events e ON e.id = n.event_ref JOIN alerts a ON a.id = e.alert_id JOIN servers s ON s.id = a.server_id
        """

    /// Notifications, newest first; only those in `state` when given.
    public func list(state: NotificationDelivery.State? = nil, limit: Int = 500) async throws(StorageError) -> [NotificationDelivery] {
        let result = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.joins)
            WHERE \(state?.rawValue)::text IS NULL OR n.state = \(state?.rawValue)
            ORDER BY n.created_at DESC, n.id DESC
            LIMIT \(min(max(1, limit), 10_000))
            """)
        var deliveries: [NotificationDelivery] = []
        for row in result.rows { deliveries.append(try Self.decode(row)) }
        return deliveries
    }

    /// The deliveries of these alerts' events, by alert id, newest event first (then by
    /// channel), at most `perAlert` per alert; an alert without any is absent. One query.
    public func deliveries(alertIDs: [Int64], perAlert: Int = deliveriesPerAlert) async throws(StorageError) -> [Int64: [NotificationDelivery]] {
        guard !alertIDs.isEmpty else { return [:] }
        let result = try await pool.query(
            """
            SELECT * FROM (
                SELECT \(unsafeRaw: Self.columns),
                    row_number() OVER (PARTITION BY e.alert_id ORDER BY n.created_at DESC, e.id DESC, n.channel, n.id) AS position
                \(unsafeRaw: Self.joins)
                WHERE e.alert_id = ANY(\(alertIDs)::bigint[])
            ) d
            WHERE position <= \(max(1, perAlert))
            ORDER BY alert_id, position
            """)
        var byAlert: [Int64: [NotificationDelivery]] = [:]
        for row in result.rows {
            let delivery = try Self.decode(row)
            byAlert[delivery.alertID, default: []].append(delivery)
        }
        return byAlert
    }

    /// How many notifications wait for delivery and how many were given up.
    public struct Counts: Sendable, Equatable {
        /// Notifications not delivered yet.
        public var pending: Int
        /// Notifications given up.
        public var failed: Int

        /// Creates counts.
        public init(pending: Int, failed: Int) {
            self.pending = pending
            self.failed = failed
        }
    }

    /// How many notifications wait for delivery and how many were given up.
    public func counts() async throws(StorageError) -> Counts {
        let result = try await pool.query(
            """
            SELECT (SELECT count(*) FROM notifications WHERE state = 'pending') AS pending,
                   (SELECT count(*) FROM notifications WHERE state = 'failed') AS failed
            """)
        guard let row = result.first else { return Counts(pending: 0, failed: 0) }
        return Counts(pending: try row.require("pending"), failed: try row.require("failed"))
    }

    static func decode(_ row: Row) throws(StorageError) -> NotificationDelivery {
        NotificationDelivery(
            id: try row.require("id"), alertID: try row.require("alert_id"), serverName: try row.require("server_name"), event: try row.require("event"),
            eventID: try row.require("event_id"), channel: try row.require("channel"),
            state: NotificationDelivery.State(rawValue: try row.require("state")) ?? .pending, attempts: try row.require("attempts"),
            lastError: try row.decode("last_error"), deliveredAt: try row.decode("delivered_at"), createdAt: try row.require("created_at"))
    }
}

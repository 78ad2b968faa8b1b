import DashboardCore
import FoundationEssentials

/// One element of `GET /api/notifications`: a row of the outbox with its alert and server
/// (docs/notifications.md).
public struct NotificationRecord: Codable, Sendable, Equatable {
    /// The notification row's id.
    public var id: Int64
    /// The alert it tells about.
    public var alertID: Int64
    /// The inventory name of the alert's server.
    public var server: String
    /// `opened`, `escalated`, `resolved` or `reminder`.
    public var event: String
    /// The event's id, the key receivers deduplicate by.
    public var eventID: String
    /// The channel without credentials.
    public var channel: String
    /// `pending`, `delivered` or `failed`.
    public var state: String
    /// Delivery attempts made so far.
    public var attempts: Int
    /// The latest failure, credentials masked; `null` when none.
    @Nullable public var lastError: String?
    /// When the channel accepted it.
    @Nullable public var deliveredAt: Date?
    /// When the event happened.
    public var createdAt: Date

    /// The record of `delivery`.
    public init(_ delivery: NotificationDelivery) {
        id = delivery.id
        alertID = delivery.alertID
        server = delivery.serverName
        event = delivery.event
        eventID = delivery.eventID
        channel = delivery.channel
        state = delivery.state.rawValue
        attempts = delivery.attempts
        lastError = delivery.lastError
        deliveredAt = delivery.deliveredAt
        createdAt = delivery.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, alertID = "alert_id", server, event, eventID = "event_id", channel, state, attempts
        case lastError = "last_error", deliveredAt = "delivered_at", createdAt = "created_at"
    }
}

import DashboardCore
import FoundationEssentials

/// One element of an alert's `notifications`: how one event fared on one channel. The
/// channel is stored without credentials (docs/notifications.md).
public struct AlertDeliveryRecord: Codable, Sendable, Equatable {
    /// The channel without credentials, e.g. `slack+https://hooks.example.org/…`.
    public var channel: String
    /// `pending`, `delivered` or `failed`.
    public var state: String
    /// Delivery attempts made so far.
    public var attempts: Int
    /// The latest failure, credentials masked; `null` when none.
    @Nullable public var lastError: String?
    /// When the channel accepted it.
    @Nullable public var deliveredAt: Date?
    /// `opened`, `escalated`, `resolved` or `reminder`; optional for the pages, which show a
    /// delivery without it.
    @Nullable public var event: String?
    /// The event's id, the key receivers deduplicate by.
    public var eventID: String
    /// When the event happened.
    public var createdAt: Date

    /// The record of `delivery`.
    public init(_ delivery: NotificationDelivery) {
        channel = delivery.channel
        state = delivery.state.rawValue
        attempts = delivery.attempts
        lastError = delivery.lastError
        deliveredAt = delivery.deliveredAt
        event = delivery.event
        eventID = delivery.eventID
        createdAt = delivery.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case channel, state, attempts, lastError = "last_error", deliveredAt = "delivered_at"
        case event, eventID = "event_id", createdAt = "created_at"
    }
}

import FoundationEssentials

/// How the notification of one alert event fared on one channel.
public struct NotificationDelivery: Sendable, Equatable {
    /// Where a notification stands.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Not delivered yet; the collector tries again after each run.
        case pending
        /// The channel accepted it.
        case delivered
        /// Given up after `NOTIFY_MAX_AGE_HOURS`, or the channel left `NOTIFY_URLS`.
        case failed
    }

    /// The notification row's id.
    public var id: Int64
    /// The alert it tells about.
    public var alertID: Int64
    /// The inventory name of the alert's server.
    public var serverName: String
    /// opened, escalated, resolved or reminder.
    public var event: String
    /// The event's id, the key receivers deduplicate by.
    public var eventID: String
    /// The channel without credentials, e.g. `slack+https://hooks.example.org/…`.
    public var channel: String
    /// Where it stands.
    public var state: State
    /// Delivery attempts made so far.
    public var attempts: Int
    /// The latest failure, credentials masked; `nil` when none.
    public var lastError: String?
    /// When the channel accepted it.
    public var deliveredAt: Date?
    /// When the event happened.
    public var createdAt: Date

    /// Creates a delivery record.
    public init(
        id: Int64, alertID: Int64, serverName: String, event: String, eventID: String, channel: String, state: State, attempts: Int,
        lastError: String?, deliveredAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.alertID = alertID
        self.serverName = serverName
        self.event = event
        self.eventID = eventID
        self.channel = channel
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
    }
}

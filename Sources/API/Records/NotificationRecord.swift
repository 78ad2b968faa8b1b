import DashboardCore
import FoundationEssentials

/// One channel's delivery of an alert event, as an `/api/alerts` item lists it in
/// `notifications`. The channel is stored without credentials (docs/notifications.md).
struct DeliveryRecord: Encodable, Sendable {
    var delivery: NotificationDelivery

    enum CodingKeys: String, CodingKey {
        case channel, state, attempts, lastError = "last_error", deliveredAt = "delivered_at"
        case event, eventID = "event_id", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(delivery.channel, forKey: .channel)
        try container.encode(delivery.state, forKey: .state)
        try container.encode(delivery.attempts, forKey: .attempts)
        try container.encode(delivery.lastError, forKey: .lastError)
        try container.encode(delivery.deliveredAt, forKey: .deliveredAt)
        try container.encode(delivery.event, forKey: .event)
        try container.encode(delivery.eventID, forKey: .eventID)
        try container.encode(delivery.createdAt, forKey: .createdAt)
    }
}

/// One element of `GET /api/notifications`: a notification row with its alert and server.
struct NotificationRecord: Encodable, Sendable {
    var delivery: NotificationDelivery

    enum CodingKeys: String, CodingKey {
        case id, alertID = "alert_id", server, event, eventID = "event_id", channel, state, attempts
        case lastError = "last_error", deliveredAt = "delivered_at", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(delivery.id, forKey: .id)
        try container.encode(delivery.alertID, forKey: .alertID)
        try container.encode(delivery.serverName, forKey: .server)
        try container.encode(delivery.event, forKey: .event)
        try container.encode(delivery.eventID, forKey: .eventID)
        try container.encode(delivery.channel, forKey: .channel)
        try container.encode(delivery.state, forKey: .state)
        try container.encode(delivery.attempts, forKey: .attempts)
        try container.encode(delivery.lastError, forKey: .lastError)
        try container.encode(delivery.deliveredAt, forKey: .deliveredAt)
        try container.encode(delivery.createdAt, forKey: .createdAt)
    }
}

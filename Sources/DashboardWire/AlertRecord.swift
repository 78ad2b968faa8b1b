import DashboardCore
import FoundationEssentials

/// One element of `GET /api/alerts`: an alert with what silences it and how its
/// notifications fared (docs/notifications.md).
public struct AlertRecord: Codable, Sendable, Equatable {
    /// The alert's database id.
    public var id: Int64
    /// The inventory name of its server.
    public var serverName: String
    /// `cpu`, `ram`, `disk`, `offline`, `host_key` or `anomaly` (text, so a renderer reads types it does not know yet).
    public var type: String
    /// `warning` or `critical`.
    public var severity: String
    /// A readable line naming the server and the figure and threshold crossed (or the failure).
    public var message: String
    /// The figure that crossed the threshold; `null` for offline and host-key alerts.
    @Nullable public var value: Double?
    /// When it was opened.
    public var openedAt: Date
    /// When it was resolved; `null` while open.
    @Nullable public var resolvedAt: Date?
    /// Whether it is still open.
    public var active: Bool
    /// The silence or maintenance window keeping it from being notified now; `null` when none.
    @Nullable public var silenced: AlertSilencing?
    /// Each channel's delivery of its events, newest event first.
    public var notifications: [AlertDeliveryRecord]

    /// The record of `alert`.
    public init(_ alert: Alert) {
        id = alert.id
        serverName = alert.serverName
        type = alert.type.rawValue
        severity = alert.severity.rawValue
        message = alert.message
        value = alert.value
        openedAt = alert.openedAt
        resolvedAt = alert.resolvedAt
        active = alert.isActive
        silenced = alert.silenced
        notifications = alert.notifications.map(AlertDeliveryRecord.init)
    }

    enum CodingKeys: String, CodingKey {
        case id, serverName = "server_name", type, severity, message, value
        case openedAt = "opened_at", resolvedAt = "resolved_at", active, silenced, notifications
    }
}

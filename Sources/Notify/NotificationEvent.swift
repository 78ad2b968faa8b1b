import FoundationEssentials

/// One alert event to tell a channel about.
public struct NotificationEvent: Sendable, Equatable {
    /// The event's id (a UUID as text): receivers deduplicate by it.
    public var eventID: String
    /// `opened`, `escalated`, `resolved`, `reminder` or `test`.
    public var event: String
    /// The alert's id.
    public var alertID: Int64
    /// The inventory name of the server (untrusted: it may come from the host).
    public var server: String
    /// `cpu`, `ram`, `disk`, `offline`, `host_key` or `anomaly`.
    public var type: String
    /// `warning` or `critical`.
    public var severity: String
    /// What the alert says (untrusted: it may quote the host).
    public var message: String
    /// The figure that raised it, when there is one.
    public var value: Double?
    /// When the alert opened.
    public var openedAt: Date
    /// When it resolved, `nil` while open.
    public var resolvedAt: Date?

    /// Creates an event.
    public init(
        eventID: String, event: String, alertID: Int64, server: String, type: String, severity: String, message: String, value: Double? = nil,
        openedAt: Date, resolvedAt: Date? = nil
    ) {
        self.eventID = eventID
        self.event = event
        self.alertID = alertID
        self.server = server
        self.type = type
        self.severity = severity
        self.message = message
        self.value = value
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
    }
}

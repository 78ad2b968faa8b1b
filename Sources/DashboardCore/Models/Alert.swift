import FoundationEssentials

/// What an alert is about.
public enum AlertType: String, Sendable, Codable, CaseIterable {
    case cpu
    case ram
    case disk
    /// The server could not be collected.
    case offline
    /// The server presented an unknown or changed host key.
    case hostKey = "host_key"
    /// A sample scored as unusual for its server (`ANOMALY_ALERTS=true`; docs/anomalies.md).
    case anomaly
    /// A systemd unit on the server is in the failed state (docs/notifications.md, "Deeper alerts").
    case failedUnits = "failed_units"
    /// A container exited with a non-zero code or keeps restarting.
    case container
    /// The hottest temperature reading crossed its threshold (`THRESHOLD_TEMPERATURE_*`, °C).
    case temperature
    /// A filesystem's inode use crossed its threshold (`THRESHOLD_INODES_*`, %).
    case inodes
}

/// How serious an alert is.
public enum AlertSeverity: String, Sendable, Codable, CaseIterable {
    case warning
    case critical
}

/// An alert opened when a metric crossed its threshold or a server went offline,
/// and resolved when it came back. At most one is open per server and type.
public struct Alert: Sendable, Equatable {
    /// The alert's database id.
    public var id: Int64
    /// The inventory name of the server it concerns.
    public var serverName: String
    /// What it is about; a server has at most one open alert of each type.
    public var type: AlertType
    /// Warning or critical, as of the latest update.
    public var severity: AlertSeverity
    /// A readable line naming the server and the figure and threshold crossed (or the failure), as of the latest update.
    public var message: String
    /// The figure that crossed the threshold, when there is one.
    public var value: Double?
    /// When it was opened; later updates keep this time.
    public var openedAt: Date
    /// When it was resolved; `nil` while open.
    public var resolvedAt: Date?
    /// The silence or maintenance window keeping it from being notified now; `nil` when none.
    public var silenced: AlertSilencing?
    /// Each channel's delivery of this alert's events, newest event first.
    public var notifications: [NotificationDelivery]

    /// Creates an alert record.
    public init(
        id: Int64, serverName: String, type: AlertType, severity: AlertSeverity, message: String, value: Double? = nil, openedAt: Date, resolvedAt: Date? = nil,
        silenced: AlertSilencing? = nil, notifications: [NotificationDelivery] = []
    ) {
        self.id = id
        self.serverName = serverName
        self.type = type
        self.severity = severity
        self.message = message
        self.value = value
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
        self.silenced = silenced
        self.notifications = notifications
    }

    /// Whether the alert is still open.
    public var isActive: Bool { resolvedAt == nil }
}

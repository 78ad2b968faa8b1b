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
}

/// How serious an alert is.
public enum AlertSeverity: String, Sendable, Codable, CaseIterable {
    case warning
    case critical
}

/// An alert opened when a metric crossed its threshold or a server went offline,
/// and resolved when it came back. At most one is open per server and type.
public struct Alert: Sendable, Equatable {
    public var id: Int64
    public var serverName: String
    public var type: AlertType
    public var severity: AlertSeverity
    public var message: String
    /// The figure that crossed the threshold, when there is one.
    public var value: Double?
    public var openedAt: Date
    public var resolvedAt: Date?

    /// Creates an alert record.
    public init(
        id: Int64, serverName: String, type: AlertType, severity: AlertSeverity, message: String, value: Double? = nil, openedAt: Date, resolvedAt: Date? = nil
    ) {
        self.id = id
        self.serverName = serverName
        self.type = type
        self.severity = severity
        self.message = message
        self.value = value
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
    }

    /// Whether the alert is still open.
    public var isActive: Bool { resolvedAt == nil }
}

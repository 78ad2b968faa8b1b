import DashboardCore
import FoundationEssentials

/// A notification channel as the outbox knows it: its stable key and its label without credentials.
public struct OutboxChannel: Sendable, Equatable {
    /// A digest of the channel's URL, stable while the URL stays the same.
    public var key: String
    /// How it is shown: no credentials, no secret path.
    public var label: String

    /// Creates an outbox channel.
    public init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}

/// What decides whether an alert change is told, and to which channels
/// (docs/notifications.md, "Delivery").
public struct AlertOutbox: Sendable {
    /// Every configured channel (`NOTIFY_URLS`); none means nothing is written.
    public var channels: [OutboxChannel]
    /// Alerts below this severity are not told (`NOTIFY_MIN_SEVERITY`).
    public var minimumSeverity: AlertSeverity
    /// Whether resolutions are told (`NOTIFY_RESOLVED`).
    public var notifyResolved: Bool
    /// The silences in force for this run.
    public var silences: [Silence]

    /// Creates an outbox policy.
    public init(channels: [OutboxChannel], minimumSeverity: AlertSeverity = .warning, notifyResolved: Bool = true, silences: [Silence] = []) {
        self.channels = channels
        self.minimumSeverity = minimumSeverity
        self.notifyResolved = notifyResolved
        self.silences = silences
    }

    /// No channel: alerts change, nothing is told.
    public static let silent = AlertOutbox(channels: [])

    /// Whether an alert at `severity` is told.
    public func tells(_ severity: AlertSeverity) -> Bool {
        minimumSeverity == .warning || severity == .critical
    }
}

/// The server an alert decision is about, as silences and maintenance windows match it.
public struct AlertSubject: Sendable {
    /// Its inventory name.
    public var name: String
    /// Its tags.
    public var tags: [String]
    /// Its maintenance windows, its own and its tags'.
    public var maintenance: [MaintenanceWindow]

    /// Creates a subject.
    public init(name: String, tags: [String] = [], maintenance: [MaintenanceWindow] = []) {
        self.name = name
        self.tags = tags
        self.maintenance = maintenance
    }

    /// What silences an alert of `type` on this server at `date`, if anything.
    public func silencing(_ type: AlertType, silences: [Silence], at date: Date) -> AlertSilencing? {
        AlertSilencing.find(serverName: name, tags: tags, maintenance: maintenance, type: type, silences: silences, at: date)
    }
}

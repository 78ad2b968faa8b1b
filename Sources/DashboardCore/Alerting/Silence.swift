import FoundationEssentials

/// A silence added with `collector silence add`: alerts it covers still open, resolve and
/// show, but are not notified until it ends (docs/notifications.md).
public struct Silence: Sendable, Equatable {
    /// Which servers a silence covers.
    public enum Scope: Sendable, Equatable {
        /// One server, by inventory name.
        case server(String)
        /// Every server carrying this tag.
        case tag(String)
        /// Every server.
        case all
    }

    /// The database id, used by `collector silence remove`.
    public var id: Int64
    /// The servers it covers.
    public var scope: Scope
    /// The one alert type it covers; `nil` for every type.
    public var alertType: AlertType?
    /// Why, as given when it was added; shown next to every alert it covers.
    public var reason: String
    /// When it starts to apply.
    public var startsAt: Date
    /// When it ends; an alert still open then is notified.
    public var endsAt: Date
    /// When it was added.
    public var createdAt: Date

    /// Creates a silence record.
    public init(id: Int64, scope: Scope, alertType: AlertType?, reason: String, startsAt: Date, endsAt: Date, createdAt: Date) {
        self.id = id
        self.scope = scope
        self.alertType = alertType
        self.reason = reason
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdAt = createdAt
    }

    /// Whether it covers an alert of `type` on the server `serverName` (tagged `tags`) at `date`.
    public func covers(serverName: String, tags: [String], type: AlertType, at date: Date) -> Bool {
        guard date >= startsAt, date < endsAt else { return false }
        if let alertType, alertType != type { return false }
        switch scope {
        case .all: return true
        case .server(let name): return name == serverName
        case .tag(let tag): return tags.contains(tag)
        }
    }
}

/// Why an alert is not notified right now, shown with it: a silence's reason or a maintenance window.
public struct AlertSilencing: Sendable, Equatable, Codable {
    /// The silence's reason, or `maintenance window sun 02:00-04:00`.
    public var reason: String
    /// When the silence or window ends.
    public var until: Date

    /// Creates a silencing note.
    public init(reason: String, until: Date) {
        self.reason = reason
        self.until = until
    }

    /// What silences the alert of `type` on a server at `date`: the active silence or
    /// maintenance window that lasts longest, or `nil` when none does.
    public static func find(
        serverName: String, tags: [String], maintenance: [MaintenanceWindow], type: AlertType, silences: [Silence], at date: Date
    ) -> AlertSilencing? {
        var best: AlertSilencing?
        for silence in silences where silence.covers(serverName: serverName, tags: tags, type: type, at: date) {
            if best == nil || silence.endsAt > best!.until { best = AlertSilencing(reason: silence.reason, until: silence.endsAt) }
        }
        for window in maintenance {
            if let end = window.activeUntil(at: date), best == nil || end > best!.until {
                best = AlertSilencing(reason: "maintenance window \(window)", until: end)
            }
        }
        return best
    }
}

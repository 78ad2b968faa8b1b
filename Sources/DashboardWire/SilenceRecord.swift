import DashboardCore
import FoundationEssentials

/// One element of `GET /api/silences`: what it covers (`scope` with `server` or `tag`,
/// `type` or every type), why, and when (docs/notifications.md).
public struct SilenceRecord: Codable, Sendable, Equatable {
    /// The database id, used by `collector silence remove`.
    public var id: Int64
    /// `server`, `tag` or `all`.
    public var scope: String
    /// The server's inventory name when the scope is `server`.
    @Nullable public var server: String?
    /// The tag when the scope is `tag`.
    @Nullable public var tag: String?
    /// The one alert type covered; `null` for every type.
    @Nullable public var type: String?
    /// Why, as given when it was added.
    public var reason: String
    /// When it starts to apply.
    public var startsAt: Date
    /// When it ends.
    public var endsAt: Date
    /// When it was added.
    public var createdAt: Date
    /// Whether it is in force at the time of the answer (started and not ended).
    public var active: Bool

    /// The record of `silence` as of `now`.
    public init(_ silence: Silence, now: Date) {
        id = silence.id
        switch silence.scope {
        case .server(let name): (scope, server, tag) = ("server", name, nil)
        case .tag(let value): (scope, server, tag) = ("tag", nil, value)
        case .all: (scope, server, tag) = ("all", nil, nil)
        }
        type = silence.alertType?.rawValue
        reason = silence.reason
        startsAt = silence.startsAt
        endsAt = silence.endsAt
        createdAt = silence.createdAt
        active = silence.startsAt <= now && now < silence.endsAt
    }

    /// Whether it covers the server `name` tagged `tags` (whatever the time).
    public func covers(server name: String, tags: [String]) -> Bool {
        switch scope {
        case "server": return server == name
        case "tag": return tag.map(tags.contains) ?? false
        default: return true
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, scope, server, tag, type, reason, startsAt = "starts_at", endsAt = "ends_at", createdAt = "created_at", active
    }
}

import DashboardCore
import FoundationEssentials

/// One element of `GET /api/silences`: what it covers (`scope` with `server` or `tag`,
/// `type` or every type), why, and when (docs/notifications.md).
struct SilenceRecord: Encodable, Sendable {
    var silence: Silence
    /// Whether it is in force at the time of the answer (started and not ended).
    var active: Bool

    init(silence: Silence, now: Date) {
        self.silence = silence
        active = silence.startsAt <= now && now < silence.endsAt
    }

    enum CodingKeys: String, CodingKey {
        case id, scope, server, tag, type, reason, startsAt = "starts_at", endsAt = "ends_at", createdAt = "created_at", active
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(silence.id, forKey: .id)
        var server: String?
        var tag: String?
        let scope: String
        switch silence.scope {
        case .server(let name): (scope, server) = ("server", name)
        case .tag(let value): (scope, tag) = ("tag", value)
        case .all: scope = "all"
        }
        try container.encode(scope, forKey: .scope)
        try container.encode(server, forKey: .server)
        try container.encode(tag, forKey: .tag)
        try container.encode(silence.alertType, forKey: .type)
        try container.encode(silence.reason, forKey: .reason)
        try container.encode(silence.startsAt, forKey: .startsAt)
        try container.encode(silence.endsAt, forKey: .endsAt)
        try container.encode(silence.createdAt, forKey: .createdAt)
        try container.encode(active, forKey: .active)
    }
}

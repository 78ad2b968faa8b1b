import APISupport
import DashboardCore
import DashboardStorage
import FoundationEssentials
import Hummingbird

/// `GET /api/alerts?state=active|resolved|all&server=&limit=`: alerts opened when a metric
/// crossed its threshold or a server went offline, newest first, each with what silences it
/// and how its notifications fared (docs/notifications.md).
struct AlertsController {
    let database: Database

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/alerts", use: list)
    }

    @Sendable func list(request: Request, context: APIContext) async throws -> Response {
        let parameters = try QueryParameters(request)
        let state = try parameters.choice("state", default: AlertRepository.State.active)
        let limit = try parameters.integer("limit", in: 1...5000, default: 500) ?? 500
        let server = try parameters.text("server")
        let alerts = try await database.alerts.list(state, server: server, limit: limit)
        return JSONResponse.encode(alerts.map(AlertRecord.init))
    }

    /// One alert.
    struct AlertRecord: Encodable {
        var alert: Alert

        enum CodingKeys: String, CodingKey {
            case id, serverName = "server_name", type, severity, message, value
            case openedAt = "opened_at", resolvedAt = "resolved_at", active, silenced, notifications
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(alert.id, forKey: .id)
            try container.encode(alert.serverName, forKey: .serverName)
            try container.encode(alert.type, forKey: .type)
            try container.encode(alert.severity, forKey: .severity)
            try container.encode(alert.message, forKey: .message)
            try container.encode(alert.value, forKey: .value)
            try container.encode(alert.openedAt, forKey: .openedAt)
            try container.encode(alert.resolvedAt, forKey: .resolvedAt)
            try container.encode(alert.isActive, forKey: .active)
            try container.encode(alert.silenced.map(SilencingRecord.init), forKey: .silenced)
            try container.encode(alert.notifications.map(DeliveryRecord.init), forKey: .notifications)
        }
    }

    /// Why an active alert is not notified now: `{"reason", "until"}`.
    struct SilencingRecord: Encodable {
        var silencing: AlertSilencing

        enum CodingKeys: String, CodingKey { case reason, until }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(silencing.reason, forKey: .reason)
            try container.encode(silencing.until, forKey: .until)
        }
    }
}

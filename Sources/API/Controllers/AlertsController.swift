import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
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
}

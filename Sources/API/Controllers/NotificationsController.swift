import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// `GET /api/notifications?state=pending|delivered|failed&limit=`: the notification outbox,
/// newest first: each alert event's delivery per channel, as the collector records it
/// (docs/notifications.md).
struct NotificationsController {
    let database: Database

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/notifications", use: list)
    }

    /// Which notifications to list.
    enum StateFilter: String, CaseIterable {
        case all, pending, delivered, failed

        var state: NotificationDelivery.State? { NotificationDelivery.State(rawValue: rawValue) }
    }

    @Sendable func list(request: Request, context: APIContext) async throws -> Response {
        let parameters = try QueryParameters(request)
        let filter = try parameters.choice("state", default: StateFilter.all)
        let limit = try parameters.integer("limit", in: 1...5000, default: 500) ?? 500
        let notifications = try await database.notifications.list(state: filter.state, limit: limit)
        return JSONResponse.encode(notifications.map(NotificationRecord.init))
    }
}

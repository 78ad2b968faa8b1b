import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// `GET /api/servers/{server_name}/events?from=&to=&limit=`: what changed on one server between
/// collections (reboots, kernel and OS changes, new users, changed host keys), newest first
/// (docs/api.md). The window defaults to the last 30 days; its limits are the history's.
struct ChangeEventsController {
    let servers: ServerController
    let database: Database

    /// The window when `from` is absent: this long before `to`.
    static let defaultSpan: TimeInterval = 30 * 86_400
    /// Events per answer by default, and at most.
    static let defaultLimit = 100, maximumLimit = 1000

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/servers/{server_name}/events", use: events)
    }

    @Sendable func events(request: Request, context: APIContext) async throws -> Response {
        let parameters = try QueryParameters(request)
        let window = try Self.window(parameters)
        let limit = try parameters.integer("limit", in: 1...Self.maximumLimit, default: Self.defaultLimit) ?? Self.defaultLimit
        let snapshot = try await servers.snapshot(context)
        let events = try await database.changeEvents.list(serverNamed: snapshot.server.name, from: window.from, to: window.to, limit: limit)
        return JSONResponse.encode(events.map(ChangeEventRecord.init))
    }

    /// `from` and `to` with their defaults (the last 30 days), checked as the history checks its window.
    static func window(_ parameters: QueryParameters, now: Date = Date()) throws(APIError) -> (from: Date, to: Date) {
        try HistoryWindow.range(parameters, now: now, defaultSpan: defaultSpan, defaultSpanName: "30 days")
    }
}

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
        let to = try parameters.timestamp("to") ?? now
        let from = try parameters.timestamp("from") ?? to.addingTimeInterval(-defaultSpan)
        guard from < to else {
            throw .badParameter("from", "must be earlier than 'to'")
        }
        guard to <= HistoryWindow.latest else {
            throw .badParameter("to", "must be at or before 9999-12-31T23:59:59Z")
        }
        guard from >= HistoryWindow.earliest else {
            throw .badParameter("from", "the window must start at or after 1970-01-01T00:00:00Z (without 'from' it starts 30 days before 'to')")
        }
        guard to.timeIntervalSince(from) <= HistoryWindow.maximumSpan else {
            throw .badParameter("from", "the window may span at most 400 days")
        }
        return (from, to)
    }
}

import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// `GET /api/servers/{server_name}/metrics/history?from=&to=&step=`: one server's history
/// in time buckets, with the average and maximum of every figure history keeps (docs/adding-a-metric.md).
struct HistoryController {
    let servers: ServerController
    let database: Database

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/servers/{server_name}/metrics/history", use: history)
    }

    @Sendable func history(request: Request, context: APIContext) async throws -> Response {
        let window = try HistoryWindow(QueryParameters(request))
        let snapshot = try await servers.snapshot(context)
        let buckets = try await database.metrics.history(serverID: snapshot.server.id, from: window.from, to: window.to, step: window.step)
        let answer = HistoryRecord(serverName: snapshot.server.name, from: window.from, to: window.to, stepSeconds: window.step, buckets: buckets)
        return JSONResponse.write(answer, capacity: answer.expectedSize)
    }
}

import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// `GET /api/servers/{server_name}/anomalies?from=&to=`: the samples of one server whose anomaly
/// score reached `ANOMALY_SCORE_THRESHOLD` in a window, oldest first, each with the figures that set
/// it apart (docs/anomalies.md). The window's parameters, defaults and limits are the history's.
struct AnomaliesController {
    let servers: ServerController
    let database: Database
    /// `ANOMALY_SCORE_THRESHOLD`: the lowest score that counts as an anomaly.
    let threshold: Double

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/servers/{server_name}/anomalies", use: anomalies)
    }

    @Sendable func anomalies(request: Request, context: APIContext) async throws -> Response {
        let window = try HistoryWindow(QueryParameters(request))
        let snapshot = try await servers.snapshot(context)
        let flagged = try await database.anomalies.anomalies(serverID: snapshot.server.id, from: window.from, to: window.to, threshold: threshold)
        return JSONResponse.encode(flagged.map { AnomalyRecord(collectedAt: $0.collectedAt, score: $0.score, reason: $0.reason) })
    }
}

import APISupport
import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird

/// `GET /api/servers/{server_name}/metrics/history?from=&to=&step=`: one server's history
/// in time buckets, with the average and maximum of every metric and network rates.
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
        return JSONResponse.encode(HistoryResponse(serverName: snapshot.server.name, window: window, buckets: buckets))
    }

    /// The answer: the window as applied, then the buckets (empty buckets are left out,
    /// so a gap in the data stays a gap).
    struct HistoryResponse: Encodable {
        var serverName: String
        var window: HistoryWindow
        var buckets: [HistoryBucket]

        enum CodingKeys: String, CodingKey {
            case serverName = "server_name", from, to, step = "step_seconds", buckets
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(serverName, forKey: .serverName)
            try container.encode(window.from, forKey: .from)
            try container.encode(window.to, forKey: .to)
            try container.encode(window.step, forKey: .step)
            try container.encode(buckets, forKey: .buckets)
        }
    }
}

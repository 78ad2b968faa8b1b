import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird
import NIOCore

/// `GET /api/servers/{server_name}/metrics/history?from=&to=&step=`: one server's history
/// in time buckets, with the average and maximum of every figure history keeps (docs/adding-a-metric.md).
struct HistoryController {
    let servers: ServerController
    let database: Database

    /// How many buckets go into one piece of the answer (about 40 KB).
    static let bucketsPerPiece = 48

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/servers/{server_name}/metrics/history", use: history)
    }

    @Sendable func history(request: Request, context: APIContext) async throws -> Response {
        let window = try HistoryWindow(QueryParameters(request))
        let snapshot = try await servers.snapshot(context)
        let buckets = try await database.metrics.history(serverID: snapshot.server.id, from: window.from, to: window.to, step: window.step)
        let answer = HistoryRecord(serverName: snapshot.server.name, from: window.from, to: window.to, stepSeconds: window.step, buckets: buckets)
        // Sent in pieces as it is written: a few small buffers per request instead of a ~2 MB
        // one and its copy (docs/benchmarks.md).
        let body = ResponseBody { writer in
            var json = JSONWriter(capacity: Self.bucketsPerPiece * 1_200)
            for index in 0..<answer.pieceCount(bucketsPerPiece: Self.bucketsPerPiece) {
                answer.writePiece(index, bucketsPerPiece: Self.bucketsPerPiece, into: &json)
                try await writer.write(json.withUnsafeBytes { ByteBuffer(bytes: $0) })
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: JSONResponse.contentType], body: body)
    }
}

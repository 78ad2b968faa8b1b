import APISupport
import DashboardCore
import DashboardStorage
import FoundationEssentials
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
        let answer = HistoryResponse(serverName: snapshot.server.name, window: window, buckets: buckets)
        return JSONResponse.write(answer, capacity: answer.expectedSize)
    }

    /// The answer: the window as applied, then the buckets (empty buckets are left out,
    /// so a gap in the data stays a gap).
    ///
    /// Served through ``JSONWriter`` (a 90-day history is ~50,000 figures); the `Encodable`
    /// form is the reference the tests compare it with.
    struct HistoryResponse: Encodable, JSONWritable {
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

        /// Writes the same document as `encode(to:)`, keys sorted.
        func write(to json: inout JSONWriter) {
            json.object { json in
                json.key(CodingKeys.buckets.stringValue); json.array(buckets) { json, bucket in json.value(bucket) }
                json.key(CodingKeys.from.stringValue); json.timestamp(window.from)
                json.key(CodingKeys.serverName.stringValue); json.string(serverName)
                json.key(CodingKeys.step.stringValue); json.integer(window.step)
                json.key(CodingKeys.to.stringValue); json.timestamp(window.to)
            }
        }

        /// About what one bucket takes, to size the buffer once.
        var expectedSize: Int { 200 + buckets.count * 700 }
    }
}

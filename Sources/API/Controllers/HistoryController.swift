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

/// A validated history window: `[from, to)` in buckets of `step` seconds.
///
/// Defaults: the last 24 hours, and a step that gives at most about 300 buckets, chosen
/// from 1, 5, 15, 30 minutes, 1, 3, 6, 12 hours and 1 day.
struct HistoryWindow: Sendable, Equatable {
    var from: Date
    var to: Date
    var step: Int

    /// The longest window one request may ask for.
    static let maximumSpan: TimeInterval = 400 * 86_400
    /// No window starts before the Unix epoch (PostgreSQL has no year 0, and no sample is older).
    static let earliest = Date(timeIntervalSince1970: 0)
    /// Nor ends after the last instant an ISO-8601 timestamp of four-digit years can name.
    static let latest = Date(timeIntervalSince1970: 253_402_300_799)
    /// The most buckets one request may produce.
    static let maximumBuckets = 10_000
    static let niceSteps = [60, 300, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400]

    init(_ parameters: QueryParameters, now: Date = Date()) throws(APIError) {
        let to = try parameters.timestamp("to") ?? now
        let from = try parameters.timestamp("from") ?? to.addingTimeInterval(-86_400)
        guard from < to else {
            throw .badParameter("from", "must be earlier than 'to'")
        }
        guard to <= Self.latest else {
            throw .badParameter("to", "must be at or before 9999-12-31T23:59:59Z")
        }
        guard from >= Self.earliest else {
            throw .badParameter("from", "the window must start at or after 1970-01-01T00:00:00Z (without 'from' it starts 24 hours before 'to')")
        }
        let span = to.timeIntervalSince(from)
        guard span <= Self.maximumSpan else {
            throw .badParameter("from", "the window may span at most 400 days")
        }
        let step = try parameters.integer("step", in: 60...604_800) ?? Self.defaultStep(span: span)
        guard span / Double(step) <= Double(Self.maximumBuckets) else {
            throw .badParameter("step", "too small for this window: it would make more than \(Self.maximumBuckets) buckets")
        }
        self.from = from
        self.to = to
        self.step = step
    }

    static func defaultStep(span: TimeInterval) -> Int {
        niceSteps.first { span / Double($0) <= 300 } ?? 86_400
    }
}

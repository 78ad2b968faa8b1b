import APISupport
import DashboardCore
import DashboardStorage
import FoundationEssentials
import Hummingbird

/// `GET /api/collector/runs` and `GET /api/collector/runs/{run_id}`: collection runs,
/// newest first, and one run with every server's outcome.
struct RunsController {
    let database: Database

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/collector/runs", use: list)
        router.get("/api/collector/runs/{run_id}", use: detail)
    }

    @Sendable func list(request: Request, context: APIContext) async throws -> Response {
        let limit = try QueryParameters(request).integer("limit", in: 1...1000, default: 20) ?? 20
        let runs = try await database.runs.recent(limit: limit)
        return JSONResponse.encode(runs.map { RunRecord(run: $0, servers: nil) })
    }

    @Sendable func detail(request: Request, context: APIContext) async throws -> Response {
        let raw = context.parameters.get("run_id") ?? ""
        guard let id = Int64(raw), id > 0 else {
            throw APIError.badParameter("run_id", "expected a positive whole number, got '\(QueryParameters.quote(PercentEncoding.decode(raw) ?? raw))'")
        }
        guard let run = try await database.runs.run(id: id) else {
            throw APIError.notFound("no collection run with id \(id)")
        }
        let outcomes = try await database.runs.outcomes(runID: id)
        return JSONResponse.encode(RunRecord(run: run, servers: outcomes.map(OutcomeRecord.init)))
    }

    /// One run; `servers` only in the single-run answer.
    struct RunRecord: Encodable {
        var run: CollectionRun
        var servers: [OutcomeRecord]?

        enum CodingKeys: String, CodingKey {
            case id = "run_id", startedAt = "started_at", finishedAt = "finished_at", state
            case serversTotal = "servers_total", ok, failed, durationMilliseconds = "duration_ms", servers
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(run.id, forKey: .id)
            try container.encode(run.startedAt, forKey: .startedAt)
            try container.encode(run.finishedAt, forKey: .finishedAt)
            try container.encode(run.state, forKey: .state)
            try container.encode(run.serversTotal, forKey: .serversTotal)
            try container.encode(run.okCount, forKey: .ok)
            try container.encode(run.failedCount, forKey: .failed)
            let duration = run.finishedAt.map { Int(($0.timeIntervalSince(run.startedAt) * 1000).rounded()) }
            try container.encode(duration, forKey: .durationMilliseconds)
            if let servers {
                try container.encode(servers, forKey: .servers)
            }
        }
    }
}

/// One server's outcome in a run, in the shape of `collector run --json`.
struct OutcomeRecord: Encodable {
    var outcome: ServerOutcome

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name", outcome, failureKind = "failure_kind", message, attempts
        case durationMilliseconds = "duration_ms", finishedAt = "finished_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcome.serverName, forKey: .serverName)
        try container.encode(outcome.succeeded ? "ok" : "failed", forKey: .outcome)
        try container.encode(outcome.failure?.kind, forKey: .failureKind)
        try container.encode(outcome.failure?.message, forKey: .message)
        try container.encode(outcome.attempts, forKey: .attempts)
        try container.encode(outcome.durationMilliseconds, forKey: .durationMilliseconds)
        try container.encode(outcome.finishedAt, forKey: .finishedAt)
    }
}

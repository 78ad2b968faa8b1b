import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
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
        return JSONResponse.encode(runs.map { CollectionRunRecord($0) })
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
        return JSONResponse.encode(CollectionRunRecord(run, servers: outcomes))
    }
}

import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// The fleet-wide answers: latest metrics per server, the overview and the server list.
/// The first two are served from ``FleetCache`` as pre-encoded bytes.
struct FleetController {
    let cache: FleetCache
    let classifier: StatusClassifier

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/servers/metrics/latest", use: latest)
        router.get("/api/system/overview", use: overview)
        router.get("/api/servers", use: servers)
    }

    /// `GET /api/servers/metrics/latest`: one seed record per enabled server.
    @Sendable func latest(request: Request, context: APIContext) async throws -> Response {
        if let fleet = cache.latestIfCached() {
            return fleet.latestBody.response(for: request)
        }
        return try await cache.currentFleet().latestBody.response(for: request)
    }

    /// `GET /api/system/overview`: totals, averages, active users and alerts.
    @Sendable func overview(request: Request, context: APIContext) async throws -> Response {
        try await cache.currentOverview().body.response(for: request)
    }

    /// `GET /api/servers?status=`: the inventory with status, last seen, last error and OS.
    @Sendable func servers(request: Request, context: APIContext) async throws -> Response {
        let parameters = try QueryParameters(request)
        let wanted: ServerStatus? = try parameters.string("status") == nil ? nil : parameters.choice("status", default: ServerStatus.healthy)
        let includeDisabled = try parameters.choice("include_disabled", default: BooleanParameter.false) == .true
        let now = Date()
        let records = try await cache.currentFleet().snapshots
            .filter { includeDisabled || $0.server.enabled }
            .map { ServerRecord(snapshot: $0, report: classifier.classify($0, now: now)) }
            .filter { wanted == nil || $0.status == wanted }
        return JSONResponse.encode(records)
    }
}

/// `true` / `false` query values.
enum BooleanParameter: String, CaseIterable {
    case `true`, `false`
}

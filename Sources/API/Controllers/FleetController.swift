import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// The fleet-wide answers: latest metrics per server, the overview and the server list.
/// The first two are served from ``FleetCache`` as pre-encoded bytes. With the database
/// unreachable, all three answer from the last known fleet, marked stale (docs/api.md
/// "During a database outage").
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
            return try fleet.latestBody.body().response(for: request)
        }
        let served = try await cache.servedFleet()
        return try served.value.latestBody.body().response(for: request).marked(served.staleness)
    }

    /// `GET /api/system/overview`: totals, averages, active users and alerts.
    @Sendable func overview(request: Request, context: APIContext) async throws -> Response {
        let entry = try await cache.currentOverview()
        return entry.body.response(for: request).marked(entry.staleness)
    }

    /// `GET /api/servers?status=`: the inventory with status, last seen, last error and OS.
    @Sendable func servers(request: Request, context: APIContext) async throws -> Response {
        let parameters = try QueryParameters(request)
        let wanted: ServerStatus? = try parameters.string("status") == nil ? nil : parameters.choice("status", default: ServerStatus.healthy)
        let includeDisabled = try parameters.choice("include_disabled", default: BooleanParameter.false) == .true
        let now = Date()
        if wanted == nil, !includeDisabled {
            // The dashboard's question on every page view: encoded once, answered with an ETag.
            let classifier = classifier
            let served = try await cache.currentServersBody(now: now) { fleet, now in
                CachedBody(try JSONResponse.bytes(Self.records(of: fleet, includeDisabled: false, classifier: classifier, now: now)))
            }
            return served.value.response(for: request).marked(served.staleness)
        }
        let served = try await cache.servedFleet()
        let records = Self.records(of: served.value, includeDisabled: includeDisabled, classifier: classifier, now: now)
            .filter { wanted == nil || $0.status == wanted }
        return JSONResponse.encode(records).marked(served.staleness)
    }

    /// The `/api/servers` records of `fleet` at `now`.
    static func records(of fleet: FleetCache.Fleet, includeDisabled: Bool, classifier: StatusClassifier, now: Date) -> [ServerRecord] {
        fleet.snapshots
            .filter { includeDisabled || $0.server.enabled }
            .map { ServerRecord(snapshot: $0, report: classifier.classify($0, now: now)) }
    }
}

/// `true` / `false` query values.
enum BooleanParameter: String, CaseIterable {
    case `true`, `false`
}

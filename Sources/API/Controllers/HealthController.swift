import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// `GET /api/health`: whether the api can reach PostgreSQL (200 `healthy`, else 503
/// `unhealthy`), and whether answers come from the change-notified cache.
struct HealthController {
    let database: Database
    let cache: FleetCache

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/health", use: health)
    }

    @Sendable func health(request: Request, context: APIContext) async throws -> Response {
        var reachable = true
        do {
            try await database.pool.query("SELECT 1")
        } catch {
            reachable = false
            context.logger.warning("health check: database unreachable", metadata: ["db.error": "\(error.message)"])
        }
        let document = HealthRecord(reachable: reachable, live: await cache.isLive, timestamp: Date())
        return JSONResponse.encode(document, status: reachable ? .ok : .serviceUnavailable)
    }
}

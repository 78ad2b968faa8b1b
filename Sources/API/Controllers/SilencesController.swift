import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// `GET /api/silences?include=ended`: the silences not yet ended (in force or still to
/// start), soonest start first; with `include=ended` the ended ones too. Silences are
/// added with `collector silence add` (docs/notifications.md); the api only reads them.
struct SilencesController {
    let database: Database

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/silences", use: list)
    }

    /// Which silences to list.
    enum Include: String, CaseIterable {
        /// Those not yet ended (the default).
        case active
        /// Every silence, ended ones included.
        case ended
    }

    @Sendable func list(request: Request, context: APIContext) async throws -> Response {
        let include = try QueryParameters(request).choice("include", default: Include.active)
        let now = Date()
        let silences = try await database.silences.list(includeEnded: include == .ended, now: now)
        return JSONResponse.encode(silences.map { SilenceRecord($0, now: now) })
    }
}

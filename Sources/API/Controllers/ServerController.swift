import APISupport
import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// Answers about one server: its record, status, history, filesystems and failures.
struct ServerController {
    let cache: FleetCache
    let database: Database
    let classifier: StatusClassifier

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/servers/{server_name}", use: detail)
        router.get("/api/servers/{server_name}/status", use: status)
        router.get("/api/servers/{server_name}/metrics/historical/{hours}", use: historical)
        router.get("/api/servers/{server_name}/filesystems", use: filesystems)
        router.get("/api/servers/{server_name}/failures", use: failures)
    }

    /// The named server's snapshot, or 404; from the last known fleet when the database is
    /// unreachable (what then reads the database answers 503 by itself).
    func snapshot(_ context: APIContext) async throws -> ServerSnapshot {
        try await servedSnapshot(context).value
    }

    /// The named server's snapshot and whether it is stale, or 404.
    func servedSnapshot(_ context: APIContext) async throws -> FleetCache.Served<ServerSnapshot> {
        let name = try context.parameters.serverName()
        let served = try await cache.servedSnapshot(named: name)
        guard let snapshot = served.value else {
            throw APIError.serverNotFound(name)
        }
        return FleetCache.Served(value: snapshot, staleness: served.staleness)
    }

    /// `GET /api/servers/{server_name}`: every figure of the latest sample with its processes,
    /// containers and failed units; `stale_since` and the stale headers when it comes from the
    /// last known fleet (whose samples may lack processes and containers: docs/api.md).
    @Sendable func detail(request: Request, context: APIContext) async throws -> Response {
        let served = try await servedSnapshot(context)
        // The fleet's samples leave processes and containers out (cost); the single-server read fills them.
        let snapshot = served.staleness == nil && served.value.latest != nil ? try await detailed(served.value) : served.value
        let record = ServerRecord(snapshot: snapshot, report: classifier.classify(snapshot))
        return JSONResponse.encode(
            ServerDetailRecord(
                server: record, latest: snapshot.latest.map(SampleRecord.init), thresholds: snapshot.server.thresholds ?? classifier.thresholds,
                staleSince: served.staleness?.since)
        ).marked(served.staleness)
    }

    /// The server with its latest sample read whole (processes and containers included); `snapshot`
    /// itself when the database was lost meanwhile.
    func detailed(_ snapshot: ServerSnapshot) async throws -> ServerSnapshot {
        do {
            return try await database.metrics.latest(serverNamed: snapshot.server.name) ?? snapshot
        } catch {
            guard error.isUnavailable else { throw error }
            return snapshot
        }
    }

    /// `GET /api/servers/{server_name}/status` (seed shape; stale headers only).
    @Sendable func status(request: Request, context: APIContext) async throws -> Response {
        let served = try await servedSnapshot(context)
        let snapshot = served.value
        let report = classifier.classify(snapshot)
        return JSONResponse.encode(ServerStatusRecord(serverName: snapshot.server.name, report: report, lastSeen: snapshot.server.lastSeen))
            .marked(served.staleness)
    }

    /// `GET /api/servers/{server_name}/metrics/historical/{hours}` (seed shape): every
    /// sample of the last `hours` (1…2160), oldest first.
    @Sendable func historical(request: Request, context: APIContext) async throws -> Response {
        let rawHours = context.parameters.get("hours") ?? ""
        guard let hours = Int(rawHours), (1...2160).contains(hours) else {
            throw APIError.badParameter(
                "hours", "expected a whole number from 1 to 2160, got '\(QueryParameters.quote(PercentEncoding.decode(rawHours) ?? rawHours))'")
        }
        let snapshot = try await snapshot(context)
        let points = try await database.metrics.points(serverID: snapshot.server.id, since: Date().addingTimeInterval(-Double(hours) * 3600))
        return JSONResponse.encode(points)
    }

    /// `GET /api/servers/{server_name}/filesystems`: every filesystem of the latest sample (stale headers when from the last known fleet).
    @Sendable func filesystems(request: Request, context: APIContext) async throws -> Response {
        let served = try await servedSnapshot(context)
        let snapshot = served.value
        return JSONResponse.encode(
            FilesystemsRecord(
                serverName: snapshot.server.name, collectedAt: snapshot.latest?.collectedAt,
                filesystems: (snapshot.latest?.filesystems ?? []).map(FilesystemRecord.init))
        ).marked(served.staleness)
    }

    /// `GET /api/servers/{server_name}/failures?limit=`: the most recent failed collections.
    @Sendable func failures(request: Request, context: APIContext) async throws -> Response {
        let limit = try QueryParameters(request).integer("limit", in: 1...500, default: 20) ?? 20
        let snapshot = try await snapshot(context)
        let failures = try await database.runs.recentFailures(serverID: snapshot.server.id, limit: limit)
        return JSONResponse.encode(failures.map(OutcomeRecord.init))
    }
}

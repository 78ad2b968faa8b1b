import DashboardCore
import DashboardStorage
import DashboardWire
import FoundationEssentials
import Hummingbird

/// `GET /api/servers/{server_name}/forecast`: days until each filesystem is full, from a
/// least-squares fit of its use over the last `FORECAST_WINDOW_DAYS` (7), with the fit's
/// inputs so a reader can judge it.
struct ForecastController {
    let servers: ServerController
    let database: Database
    let windowDays: Int

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/servers/{server_name}/forecast", use: forecast)
    }

    @Sendable func forecast(request: Request, context: APIContext) async throws -> Response {
        let snapshot = try await servers.snapshot(context)
        let now = Date()
        let series = try await database.metrics.filesystemSeries(serverID: snapshot.server.id, since: now.addingTimeInterval(-Double(windowDays) * 86_400))
        // Only filesystems still mounted in the latest sample are forecast.
        let mounted = Set((snapshot.latest?.filesystems ?? []).map(\.mountPoint))
        let forecasts = series.filter { mounted.contains($0.mountPoint) }.map { series in
            DiskForecaster.forecast(
                mountPoint: series.mountPoint,
                points: series.points.map { DiskForecaster.Point(time: $0.time, usedBytes: $0.usedBytes, sizeBytes: $0.sizeBytes) },
                now: now
            )
        }
        return JSONResponse.encode(ForecastRecord(serverName: snapshot.server.name, windowDays: windowDays, generatedAt: now, filesystems: forecasts))
    }
}

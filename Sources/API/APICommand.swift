import ArgumentParser
import DashboardCore
import FoundationEssentials
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceSupport

/// `api`: the REST service (docs/api.md; Hummingbird 2 on `API_HOST:API_PORT`).
@main
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Serve Server Dashboard's data as JSON (port 5000).",
        discussion: """
            Serves /api/health, /api/servers/metrics/latest, per-server history, status and \
            forecasts, top users, the system overview, alerts, collection runs, CSV and XLSX \
            exports, /metrics (Prometheus) and /api/openapi.json from PostgreSQL (DATABASE_URL \
            or the PG* variables). Settings come from the environment and ./.env (docs/configuration.md); \
            the flags below override them. Stops gracefully on SIGTERM or SIGINT.
            """
    )

    @Option(name: .long, help: "Read settings from this file instead of ./.env.")
    var envFile: String?

    @Option(name: .long, help: "Listen on this address (API_HOST, default 0.0.0.0).")
    var host: String?

    @Option(name: .long, help: "Listen on this port (API_PORT, default 5000).")
    var port: Int?

    func run() async throws {
        ProcessMemory.configure()
        let environment: ServiceEnvironment
        var settings: APISettings
        do {
            environment = try ServiceEnvironment.load(envFile: envFile)
            settings = try APISettings(environment: environment.values)
        } catch {
            StandardError.write("api: \(error)\n")
            throw ExitCode(2)
        }
        if let host { settings.host = host }
        if let port { settings.port = port }
        let logger = environment.makeLogger(label: "api")
        for problem in environment.problems {
            logger.warning("ignored a line of the env file", metadata: ["problem": "\(problem)"])
        }
        MetricsSystem.bootstrap(APIMetrics.factory)
        logger.info("starting", metadata: ["http.address": "\(settings.host):\(settings.port)"])
        try await buildApplication(settings: settings, logger: logger).runService()
    }
}

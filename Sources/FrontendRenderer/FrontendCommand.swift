import ArgumentParser
import FoundationEssentials
import Hummingbird
import Logging
import ServiceSupport

/// `frontend-renderer`: the server-side HTML dashboard (docs/dashboard.md; Hummingbird 2 on
/// `FRONTEND_HOST:FRONTEND_PORT`), reading only the api at `API_URL`.
@main
struct FrontendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontend-renderer",
        abstract: "Render Server Dashboard's pages as HTML with inline SVG charts (port 3000).",
        discussion: """
            Renders the dashboard (/), /overview, /history, /users, /servers/{name} and /alerts \
            from the api at API_URL (never the database), with /users.csv and /users.xlsx \
            downloads, /static/ assets and /healthz. Settings come from the environment and \
            ./.env (docs/configuration.md): FRONTEND_HOST, FRONTEND_PORT, API_URL, REFRESH_INTERVAL_SECONDS, \
            API_TIMEOUT_SECONDS, LOG_LEVEL, LOG_FORMAT; the flags below override them. Stops \
            gracefully on SIGTERM or SIGINT.
            """
    )

    @Option(name: .long, help: "Read settings from this file instead of ./.env.")
    var envFile: String?

    @Option(name: .long, help: "Listen on this address (FRONTEND_HOST, default 0.0.0.0).")
    var host: String?

    @Option(name: .long, help: "Listen on this port (FRONTEND_PORT, default 3000).")
    var port: Int?

    func run() async throws {
        let environment: ServiceEnvironment
        var settings: FrontendSettings
        do {
            environment = try ServiceEnvironment.load(envFile: envFile)
            settings = try FrontendSettings(environment: environment.values)
        } catch {
            StandardError.write("frontend-renderer: \(error)\n")
            throw ExitCode(2)
        }
        if let host { settings.host = host }
        if let port { settings.port = port }
        let logger = environment.makeLogger(label: "frontend-renderer")
        for problem in environment.problems {
            logger.warning("ignored a line of the env file", metadata: ["problem": "\(problem)"])
        }
        logger.info("starting", metadata: ["http.address": "\(settings.host):\(settings.port)", "api.url": "\(settings.apiURL)"])
        try await buildApplication(settings: settings, logger: logger).runService()
    }
}

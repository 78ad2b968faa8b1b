import ArgumentParser

/// `api`: the REST service of SPEC §4 (Hummingbird 2 on `API_HOST:API_PORT`).
///
/// Not built yet: it answers `--help` and refuses to start rather than pretend to serve.
@main
struct APICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Serve Server Dashboard's data as JSON (port 5000).",
        discussion: """
            Will serve /api/health, /api/servers/metrics/latest, per-server history and status, \
            top users, the system overview, alerts, collection runs, exports, /metrics and \
            /api/openapi.json from PostgreSQL (DATABASE_URL). Not implemented yet in this build.
            """
    )

    func run() throws {
        throw ValidationError("the api is not implemented yet in this build; see README.md for what works today")
    }
}

import ArgumentParser

/// `frontend-renderer`: the server-side HTML dashboard of SPEC §5 (port 3000).
///
/// Not built yet: it answers `--help` and refuses to start rather than pretend to serve.
@main
struct FrontendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontend-renderer",
        abstract: "Render Server Dashboard's pages as HTML with inline SVG charts (port 3000).",
        discussion: """
            Will render the dashboard, overview, history, users, server and alerts pages from \
            the api at API_URL. Not implemented yet in this build.
            """
    )

    func run() throws {
        throw ValidationError("the frontend-renderer is not implemented yet in this build; see README.md for what works today")
    }
}

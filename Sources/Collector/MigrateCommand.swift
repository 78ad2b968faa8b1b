import ArgumentParser

/// `collector migrate`: applies pending database migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (DATABASE_URL or PG* variables)."
    )

    func run() async throws {
        throw ValidationError("not wired yet")
    }
}

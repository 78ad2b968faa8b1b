import ArgumentParser
import DashboardStorage
import Foundation
import ServiceSupport

/// `collector migrate`: applies pending database migrations under the advisory lock.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (DATABASE_URL or the PG* variables).",
        discussion: "Exits 0 when the schema is up to date, 2 when the database cannot be reached or a migration fails."
    )

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let environment: ServiceEnvironment
        do {
            environment = try ServiceEnvironment.load(envFile: common.envFile)
        } catch {
            printError("collector migrate: \(error)")
            throw ExitCode(2)
        }
        let logger = environment.makeLogger(label: "collector")
        let database = Database(
            configuration: DatabaseConfiguration(environment: environment.values, applicationName: "collector", poolSize: 1), logger: logger)
        do {
            let applied = try await database.migrate(logger: logger)
            print(applied.isEmpty ? "database schema is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
        } catch {
            printError("collector migrate: \(error.message)")
            throw ExitCode(2)
        }
    }
}

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

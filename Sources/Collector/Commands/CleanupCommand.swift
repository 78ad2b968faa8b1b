import ArgumentParser
import DashboardStorage
import Foundation

/// `collector cleanup [--days N]`: deletes data older than the retention period.
struct CleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Delete samples older than RETENTION_DAYS (90) and top-user rows older than TOP_USERS_RETENTION_DAYS (7).",
        discussion: "Each server's latest sample is kept whatever its age. Deletes in batches, so it is safe on large tables."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Keep this many days of samples (overrides RETENTION_DAYS).")
    var days: Int?

    func validate() throws {
        if let days, !(1...36_500).contains(days) { throw ValidationError("--days must be from 1 to 36500") }
    }

    func run() async throws {
        let context = try CommandContext.load(envFile: common.envFile, command: "cleanup")
        let database = Database(configuration: context.databaseConfiguration, logger: context.logger)
        let now = Date()
        let sampleDays = days ?? context.settings.retentionDays
        let userDays = min(sampleDays, context.settings.topUsersRetentionDays)
        do {
            try await database.migrate(logger: context.logger)
            let report = try await database.retention.deleteOldData(
                olderThan: now.addingTimeInterval(-Double(sampleDays) * 86_400),
                topUsersOlderThan: now.addingTimeInterval(-Double(userDays) * 86_400)
            )
            print(
                "deleted \(report.samples) samples, \(report.filesystems) filesystem rows, \(report.topUsers) top-user rows and \(report.runs) runs (kept \(sampleDays) days of samples, \(userDays) of top users)"
            )
        } catch {
            printError("collector cleanup: \(error.message)")
            throw ExitCode(2)
        }
    }
}

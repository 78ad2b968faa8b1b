import ArgumentParser
import DashboardCore
import DashboardStorage
import Foundation

/// `collector cleanup [--days N] [--if-due] [--status]`: deletes data older than the retention
/// period and records it (docs/operations.md, "Retention").
struct CleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Delete samples older than RETENTION_DAYS (90) and top-user rows older than TOP_USERS_RETENTION_DAYS (7).",
        discussion: """
            Each server's latest sample is kept whatever its age. Deletes in batches, so it is safe on large tables. \
            Every cleanup is recorded (when, who ran it, rows removed per table); --status shows the last one. \
            The deployments' schedules run `cleanup --if-due` (docs/operations.md, "Retention"), which cleans only \
            when the last completed cleanup started 23 hours ago or more: once a day however often the schedule calls it. \
            Two cleanups never run at once: a second one skips (--if-due) or exits 2.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Keep this many days of samples (overrides RETENTION_DAYS).")
    var days: Int?

    @Flag(help: "Clean only when the last completed cleanup started 23 hours ago or more (what the schedules run; recorded as `schedule`).")
    var ifDue = false

    @Flag(help: "Show the last cleanup (when, who ran it, rows removed) and when the schedule runs the next one; deletes nothing.")
    var status = false

    func validate() throws {
        if let days, !(1...36_500).contains(days) { throw ValidationError("--days must be from 1 to 36500") }
        if status && (ifDue || days != nil) { throw ValidationError("--status deletes nothing: use it without --if-due and --days") }
    }

    func run() async throws {
        let context = try CommandContext.load(envFile: common.envFile, command: "cleanup")
        let database = Database(configuration: context.databaseConfiguration, logger: context.logger)
        let now = Date()
        let sampleDays = days ?? context.settings.retentionDays
        let userDays = min(sampleDays, context.settings.topUsersRetentionDays)
        let outcome: CleanupOutcome
        do throws(StorageError) {
            try await database.migrate(logger: context.logger)
            if status {
                for line in Self.statusLines(try await database.retention.recentCleanups(limit: 10), now: now) { print(line) }
                return
            }
            outcome = try await database.retention.cleanUp(
                trigger: ifDue ? .schedule : .manual, retentionDays: sampleDays, topUsersRetentionDays: userDays, onlyIfDue: ifDue, now: now)
        } catch {
            printError("collector cleanup: \(error.message)")
            throw ExitCode(2)
        }
        switch outcome {
        case .cleaned(let record):
            print(Self.summaryLine(record))
        case .notDue(let last):
            print(
                "cleanup not due: the last one started \(Timestamp.format(last.startedAt)) (\(last.trigger.rawValue)); next after \(Timestamp.format(last.nextDue))"
            )
        case .busy:
            guard ifDue else {
                printError("collector cleanup: another cleanup is in progress; try again when it ends (collector cleanup --status)")
                throw ExitCode(2)
            }
            print("cleanup skipped: another cleanup is in progress")
        }
    }

    /// The one line a completed cleanup prints: rows removed per table, then the days kept.
    static func summaryLine(_ record: CleanupRecord) -> String {
        let removed = record.removed
        return "deleted \(removed.samples) samples, \(removed.filesystems) filesystem rows, \(removed.topUsers) top-user rows, "
            + "\(removed.processes) process rows, \(removed.containers) container rows, \(removed.runs) runs, \(removed.hourlyRollups) hourly rollups, "
            + "\(removed.alertEvents) alert events and \(removed.changeEvents) change events "
            + "(kept \(record.retentionDays) days of samples, \(record.topUsersRetentionDays) of top users; \(record.trigger.rawValue) cleanup)"
    }

    /// `--status`: the last completed cleanup, a newer one still running or failed, and the next due.
    static func statusLines(_ recent: [CleanupRecord], now: Date) -> [String] {
        var lines: [String] = []
        let last = recent.first { $0.state == .completed }
        if let last {
            let seconds = (last.finishedAt ?? last.startedAt).timeIntervalSince(last.startedAt)
            let removed = last.removed
            lines.append(
                "last cleanup: \(Timestamp.format(last.startedAt)) (\(last.trigger.rawValue)), \(String(format: "%.1f", seconds)) s, "
                    + "kept \(last.retentionDays) days of samples and \(last.topUsersRetentionDays) of top users")
            lines.append(
                "  removed: \(removed.samples) samples, \(removed.filesystems) filesystem rows, \(removed.topUsers) top-user rows, "
                    + "\(removed.processes) process rows, \(removed.containers) container rows, \(removed.runs) runs, "
                    + "\(removed.hourlyRollups) hourly rollups, \(removed.alertEvents) alert events, \(removed.changeEvents) change events")
        } else {
            lines.append("last cleanup: none recorded yet")
        }
        for newer in recent.prefix(while: { $0.id != last?.id }) {
            switch newer.state {
            case .running: lines.append("  a cleanup started \(Timestamp.format(newer.startedAt)) (\(newer.trigger.rawValue)) is running or was stopped")
            case .failed:
                lines.append("  the cleanup of \(Timestamp.format(newer.startedAt)) (\(newer.trigger.rawValue)) failed: \(newer.message ?? "no message")")
            case .completed: break
            }
        }
        if let last, last.nextDue > now {
            lines.append("next cleanup: the first scheduled run after \(Timestamp.format(last.nextDue)) (once a day)")
        } else {
            lines.append("next cleanup: due now; the next scheduled run does it")
        }
        return lines
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// `collector cleanup` as the schedules and users run it (docs/operations.md, "Retention"):
/// `--if-due` cleans once a day, every cleanup is recorded, `--status` shows the last one.
@Suite(.tags(.postgres, .builtProducts)) struct CleanupCommandTests {
    static func collector(_ arguments: [String], _ test: TestDatabase) async throws -> ProgramResult {
        try await CollectorCommandTests.collector(arguments, CollectorCommandTests.environment(test, [:]))
    }

    @Test func ifDueCleansOnceThenSaysNotDueAndStatusShowsTheRecord() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let now = Date()
        try await test.database.samples.store(makeSample(at: now.addingTimeInterval(-100 * 86_400)), serverID: serverID)
        try await test.database.samples.store(makeSample(at: now.addingTimeInterval(-3600)), serverID: serverID)

        let before = try await Self.collector(["cleanup", "--status"], test)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("last cleanup: none recorded yet") && before.stdout.contains("next cleanup: due now"), "\(before.stdout)")

        let first = try await Self.collector(["cleanup", "--if-due"], test)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout.hasPrefix("deleted 1 samples, 2 filesystem rows, 2 top-user rows")
                && first.stdout.contains("(kept 90 days of samples, 7 of top users; schedule cleanup)"), "\(first.stdout)")
        let second = try await Self.collector(["cleanup", "--if-due"], test)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.hasPrefix("cleanup not due: the last one started ") && second.stdout.contains("(schedule); next after "), "\(second.stdout)")

        let status = try await Self.collector(["cleanup", "--status"], test)
        #expect(status.status == 0, "\(status.stderr)")
        let lines = status.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(status.stdout)")
        #expect(lines.first?.hasPrefix("last cleanup: ") == true && lines.first?.contains(" (schedule), ") == true, "\(status.stdout)")
        #expect(lines.first?.hasSuffix("kept 90 days of samples and 7 of top users") == true, "\(status.stdout)")
        #expect(lines.dropFirst().first?.hasPrefix("  removed: 1 samples, 2 filesystem rows, 2 top-user rows") == true, "\(status.stdout)")
        #expect(lines.last?.hasPrefix("next cleanup: the first scheduled run after ") == true, "\(status.stdout)")

        // By hand: always cleans, recorded as manual.
        let manual = try await Self.collector(["cleanup", "--days", "30"], test)
        #expect(manual.status == 0 && manual.stdout.contains("; manual cleanup)"), "\(manual.stdout) \(manual.stderr)")
        #expect(try await test.database.retention.recentCleanups().map(\.trigger) == [.manual, .schedule])
        #expect(try await Self.collector(["cleanup", "--status", "--if-due"], test).status == 64)
    }

    @Test func twoScheduledCleanupsStartedAtOnceCleanOnceAndBothSucceed() async throws {
        let test = try await TestDatabase.make()
        async let one = Self.collector(["cleanup", "--if-due"], test)
        async let other = Self.collector(["cleanup", "--if-due"], test)
        let results = try await [one, other]
        #expect(results.map(\.status) == [0, 0], "\(results.map(\.stderr))")
        #expect(results.filter { $0.stdout.hasPrefix("deleted ") }.count == 1, "\(results.map(\.stdout))")
        #expect(
            results.filter { $0.stdout.hasPrefix("cleanup not due") || $0.stdout.hasPrefix("cleanup skipped: another cleanup is in progress") }.count == 1,
            "\(results.map(\.stdout))")
        #expect(try await test.database.retention.recentCleanups().count == 1)
    }

    @Test func aManualCleanupWhileAnotherRunsExitsTwoAndTheScheduledOneSkips() async throws {
        let test = try await TestDatabase.make()
        let lock = try #require(try await RunLock.acquire(DatabaseConfiguration(connectionString: test.url), key: RetentionRepository.cleanupLockKey))
        let manual = try await Self.collector(["cleanup"], test)
        #expect(manual.status == 2 && manual.stderr.contains("another cleanup is in progress"), "\(manual.stderr)")
        let scheduled = try await Self.collector(["cleanup", "--if-due"], test)
        #expect(scheduled.status == 0 && scheduled.stdout.contains("cleanup skipped: another cleanup is in progress"), "\(scheduled.stdout)")
        await lock.release()
        #expect(try await test.database.retention.recentCleanups().isEmpty)
    }
}

/// The daily retention step is in each deployment's schedule (docs/operations.md,
/// "Retention"); scripts/e2e-native.sh runs the native one, scripts/e2e-compose.sh the compose one.
@Suite struct RetentionScheduleFileTests {
    static func read(_ path: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        return try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func commandLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    @Test func composeCronRunsTheCleanupStepEveryHourAndTheJobRunsCleanupIfDue() throws {
        let cron = Self.commandLines(try Self.read("services/collector/crontab"))
        #expect(cron.contains("41 * * * * root /usr/local/bin/collector-job --cleanup --to-container-log"), "\(cron)")
        let job = Self.commandLines(try Self.read("services/collector/collector-job.sh"))
        #expect(job.contains { $0.contains("/usr/local/bin/collector cleanup --if-due") }, "\(job)")
    }

    @Test func theNativeSchedulerRunsTheRetentionStepWhichRunsCleanupIfDue() throws {
        let scheduler = Self.commandLines(try Self.read("deploy/local/scheduler.sh"))
        #expect(scheduler.contains("\"$(dirname \"$0\")/retention.sh\" \"$env_file\" &"), "\(scheduler)")
        let step = Self.commandLines(try Self.read("deploy/local/retention.sh"))
        #expect(step.contains { $0.hasPrefix("exec \"$bin_dir/collector\" cleanup --if-due ") }, "\(step)")
    }

    @Test func kubernetesHasADailyCleanupCronJobInTheKustomization() throws {
        let cronJob = try Self.read("deploy/kubernetes/base/collector-cleanup-cronjob.yaml")
        #expect(cronJob.contains("schedule: \"30 3 * * *\"") && cronJob.contains("concurrencyPolicy: Forbid"))
        #expect(cronJob.contains("args: [cleanup, --if-due]"))
        #expect(Self.commandLines(try Self.read("deploy/kubernetes/base/kustomization.yaml")).contains("- collector-cleanup-cronjob.yaml"))
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// Every cleanup is recorded, and `onlyIfDue` (what the schedules run, docs/operations.md
/// "Retention") cleans once a day, never twice at once.
@Suite(.tags(.postgres)) struct CleanupRecordTests {
    static let day = 86_400.0
    static let now = Date(timeIntervalSince1970: 1_764_000_000)

    static func completedCount(_ test: TestDatabase) async throws -> Int {
        try #require(try await test.database.pool.query("SELECT count(*) AS n FROM cleanup_runs WHERE state = 'completed'").first).require("n")
    }

    @Test func aCleanupIsRecordedWithWhoRanItTheDaysKeptAndTheRowsRemovedPerTable() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        for age in [100.0, 10, 1] {
            try await test.database.samples.store(makeSample(at: Self.now.addingTimeInterval(-age * Self.day)), serverID: serverID)
        }
        #expect(try await test.database.retention.lastCompletedCleanup() == nil)

        let outcome = try await test.database.retention.cleanUp(
            trigger: .manual, retentionDays: 90, topUsersRetentionDays: 7, onlyIfDue: false, now: Self.now)
        guard case .cleaned(let record) = outcome else {
            Issue.record("expected a cleanup, got \(outcome)")
            return
        }
        #expect(record.trigger == .manual && record.state == .completed)
        #expect(record.startedAt == Self.now && record.finishedAt.map { $0 >= Self.now } == true)
        #expect(record.retentionDays == 90 && record.topUsersRetentionDays == 7)
        #expect(record.removed.samples == 1 && record.removed.filesystems == 2 && record.removed.topUsers == 4)
        #expect(record.removed.hourlyRollups == 1)
        #expect(record.message == nil)
        #expect(try await test.database.retention.lastCompletedCleanup() == record)
        #expect(try await test.database.retention.recentCleanups() == [record])
    }

    @Test func onlyIfDueCleansWhenNoneWasRecordedThenNotForTwentyThreeHours() async throws {
        let test = try await TestDatabase.make()
        let retention = test.database.retention
        func cleanUp(at time: Date) async throws -> CleanupOutcome {
            try await retention.cleanUp(trigger: .schedule, retentionDays: 90, topUsersRetentionDays: 7, onlyIfDue: true, now: time)
        }
        guard case .cleaned(let first) = try await cleanUp(at: Self.now) else {
            Issue.record("the first scheduled cleanup did not clean")
            return
        }
        #expect(first.trigger == .schedule)
        #expect(first.nextDue == Self.now.addingTimeInterval(23 * 3600))
        // Every quarter of an hour for the next 23 hours: not due.
        for quarter in [1.0, 4, 40, 91] {
            #expect(try await cleanUp(at: Self.now.addingTimeInterval(quarter * 900)) == .notDue(last: first))
        }
        // A day later (the same hour, as a daily CronJob runs it): due again.
        guard case .cleaned(let second) = try await cleanUp(at: Self.now.addingTimeInterval(Self.day)) else {
            Issue.record("the next day's scheduled cleanup did not clean")
            return
        }
        #expect(try await cleanUp(at: Self.now.addingTimeInterval(Self.day + 60)) == .notDue(last: second))
        #expect(try await Self.completedCount(test) == 2)
        // A cleanup by hand counts too: the schedule waits a day from it.
        let manual = try await retention.cleanUp(
            trigger: .manual, retentionDays: 30, topUsersRetentionDays: 7, onlyIfDue: false, now: Self.now.addingTimeInterval(2 * Self.day))
        guard case .cleaned(let byHand) = manual else {
            Issue.record("a cleanup by hand did not clean: \(manual)")
            return
        }
        #expect(try await cleanUp(at: Self.now.addingTimeInterval(2 * Self.day + 3600)) == .notDue(last: byHand))
    }

    @Test func aRunningOrFailedCleanupDoesNotCountAsDone() async throws {
        let test = try await TestDatabase.make()
        try await test.database.pool.query(
            """
            INSERT INTO cleanup_runs (trigger, state, started_at, finished_at, retention_days, top_users_retention_days, message)
            VALUES ('schedule', 'failed', \(Self.now), \(Self.now), 90, 7, 'connection lost'),
                   ('schedule', 'running', \(Self.now.addingTimeInterval(60)), NULL, 90, 7, NULL)
            """)
        #expect(try await test.database.retention.lastCompletedCleanup() == nil)
        let outcome = try await test.database.retention.cleanUp(
            trigger: .schedule, retentionDays: 90, topUsersRetentionDays: 7, onlyIfDue: true, now: Self.now.addingTimeInterval(120))
        guard case .cleaned = outcome else {
            Issue.record("expected a cleanup after a failed and a stopped one, got \(outcome)")
            return
        }
        #expect(try await test.database.retention.recentCleanups().map(\.state) == [.completed, .running, .failed])
    }

    @Test func whileAnotherCleanupHoldsTheLockNothingIsDoneOrRecorded() async throws {
        let test = try await TestDatabase.make()
        let lock = try #require(try await RunLock.acquire(test.database.pool.configuration, key: RetentionRepository.cleanupLockKey))
        for onlyIfDue in [true, false] {
            #expect(
                try await test.database.retention.cleanUp(
                    trigger: .schedule, retentionDays: 90, topUsersRetentionDays: 7, onlyIfDue: onlyIfDue, now: Self.now) == .busy)
        }
        #expect(try await test.database.retention.recentCleanups().isEmpty)
        await lock.release()
        #expect(
            try await test.database.retention.cleanUp(trigger: .manual, retentionDays: 90, topUsersRetentionDays: 7, onlyIfDue: true, now: Self.now) != .busy)
    }

    @Test func twoScheduledCleanupsStartingTogetherCleanOnce() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        // Enough old rows that the first cleanup is still deleting when the second asks.
        try await test.database.pool.query(
            """
            INSERT INTO server_metrics (server_id, collected_at, cpu_percent)
            SELECT \(serverID), to_timestamp(1000000000 + g * 60), 1 FROM generate_series(1, 30000) g
            """)
        let retention = test.database.retention
        for round in 0..<3 {
            let at = Self.now.addingTimeInterval(Double(round) * Self.day)
            async let one = retention.cleanUp(trigger: .schedule, retentionDays: 90, topUsersRetentionDays: 7, onlyIfDue: true, now: at)
            async let other = retention.cleanUp(trigger: .schedule, retentionDays: 90, topUsersRetentionDays: 7, onlyIfDue: true, now: at)
            let outcomes = try await [one, other]
            let cleaned = outcomes.filter { if case .cleaned = $0 { true } else { false } }
            #expect(cleaned.count == 1, "round \(round): \(outcomes)")
            #expect(try await Self.completedCount(test) == round + 1)
        }
    }
}

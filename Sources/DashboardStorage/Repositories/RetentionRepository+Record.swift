import FoundationEssentials

/// Cleanups with their record in `cleanup_runs` (docs/operations.md, "Retention").
extension RetentionRepository {
    /// The advisory-lock key of cleanups ("SDCLN" in ASCII): two cleanups never run at once.
    public static let cleanupLockKey: Int64 = 0x53_4443_4C4E

    /// Deletes data older than `retentionDays` (per-user rows older than `topUsersRetentionDays`)
    /// under the cleanup lock and records it. With `onlyIfDue`, it first reads the latest
    /// completed cleanup and does nothing when that started less than
    /// `CleanupRecord.scheduleInterval` before `now`; the check and the cleanup hold the lock
    /// together, so of two schedules starting at once exactly one cleans.
    ///
    /// A cleanup that fails is recorded as failed (with the error) and the error is thrown.
    public func cleanUp(
        trigger: CleanupRecord.Trigger, retentionDays: Int, topUsersRetentionDays: Int, onlyIfDue: Bool, now: Date = Date()
    ) async throws(StorageError) -> CleanupOutcome {
        guard let lock = try await RunLock.acquire(pool.configuration, key: Self.cleanupLockKey) else { return .busy }
        do throws(StorageError) {
            if onlyIfDue, let last = try await lastCompletedCleanup(), last.nextDue > now {
                await lock.release()
                return .notDue(last: last)
            }
            // The end as `now`'s clock sees it: `now` plus the time spent.
            let wallStart = Date()
            func finishedAt() -> Date { now.addingTimeInterval(Date().timeIntervalSince(wallStart)) }
            let id = try await pool.query(
                """
                INSERT INTO cleanup_runs (trigger, started_at, retention_days, top_users_retention_days)
                VALUES (\(trigger.rawValue), \(now), \(retentionDays), \(topUsersRetentionDays)) RETURNING id
                """
            ).first!.require("id", as: Int64.self)
            let report: RetentionReport
            do throws(StorageError) {
                report = try await deleteOldData(
                    olderThan: now.addingTimeInterval(-Double(retentionDays) * 86_400),
                    topUsersOlderThan: now.addingTimeInterval(-Double(topUsersRetentionDays) * 86_400))
            } catch {
                _ = try? await pool.query(
                    "UPDATE cleanup_runs SET state = 'failed', finished_at = \(finishedAt()), message = \(error.message) WHERE id = \(id)")
                throw error
            }
            try await pool.query(
                """
                UPDATE cleanup_runs SET state = 'completed', finished_at = \(finishedAt()),
                    samples_removed = \(report.samples), filesystems_removed = \(report.filesystems), top_users_removed = \(report.topUsers),
                    runs_removed = \(report.runs), hourly_rollups_removed = \(report.hourlyRollups), alert_events_removed = \(report.alertEvents),
                    processes_removed = \(report.processes), containers_removed = \(report.containers),
                    change_events_removed = \(report.changeEvents)
                WHERE id = \(id)
                """)
            await lock.release()
            guard let record = try await latestCleanup(id: id) else { throw StorageError(kind: .query, message: "cleanup \(id) was not recorded") }
            return .cleaned(record)
        } catch {
            await lock.release()
            throw error
        }
    }

    /// The latest completed cleanup (the one the schedule counts from), or `nil` before the first.
    public func lastCompletedCleanup() async throws(StorageError) -> CleanupRecord? {
        try await latestCleanup(completedOnly: true)
    }

    /// The most recent cleanups of any state, newest first.
    public func recentCleanups(limit: Int = 10) async throws(StorageError) -> [CleanupRecord] {
        try decodeCleanups(
            await pool.query(
                """
                SELECT \(unsafeRaw: Self.cleanupColumns) FROM cleanup_runs ORDER BY started_at DESC, id DESC LIMIT \(min(max(1, limit), 1000))
                """))
    }

    private static let cleanupColumns = """
        id, trigger, state, started_at, finished_at, retention_days, top_users_retention_days, samples_removed, filesystems_removed,
        top_users_removed, runs_removed, hourly_rollups_removed, alert_events_removed, processes_removed, containers_removed,
        change_events_removed, message
        """

    /// The newest cleanup, of any state or only completed ones, or the one with `id`.
    private func latestCleanup(completedOnly: Bool = false, id: Int64? = nil) async throws(StorageError) -> CleanupRecord? {
        try decodeCleanups(
            await pool.query(
                """
                SELECT \(unsafeRaw: Self.cleanupColumns) FROM cleanup_runs
                WHERE (\(id)::bigint IS NULL OR id = \(id)) AND (NOT \(completedOnly) OR state = 'completed')
                ORDER BY started_at DESC, id DESC LIMIT 1
                """)
        ).first
    }

    private func decodeCleanups(_ result: QueryResult) throws(StorageError) -> [CleanupRecord] {
        var records: [CleanupRecord] = []
        for row in result.rows {
            var removed = RetentionReport()
            removed.samples = try row.require("samples_removed")
            removed.filesystems = try row.require("filesystems_removed")
            removed.topUsers = try row.require("top_users_removed")
            removed.runs = try row.require("runs_removed")
            removed.hourlyRollups = try row.require("hourly_rollups_removed")
            removed.alertEvents = try row.require("alert_events_removed")
            removed.processes = try row.require("processes_removed")
            removed.containers = try row.require("containers_removed")
            removed.changeEvents = try row.require("change_events_removed")
            records.append(
                CleanupRecord(
                    id: try row.require("id"), trigger: CleanupRecord.Trigger(rawValue: try row.require("trigger")) ?? .manual,
                    state: CleanupRecord.State(rawValue: try row.require("state")) ?? .failed, startedAt: try row.require("started_at"),
                    finishedAt: try row.decode("finished_at"), retentionDays: try row.require("retention_days"),
                    topUsersRetentionDays: try row.require("top_users_retention_days"), removed: removed, message: try row.decode("message")))
        }
        return records
    }
}

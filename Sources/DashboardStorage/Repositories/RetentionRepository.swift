import FoundationEssentials

/// How many rows a retention pass removed, per table.
public struct RetentionReport: Sendable, Equatable {
    /// Samples (`server_metrics` rows).
    public var samples = 0
    /// Filesystem rows, one per mount point and sample.
    public var filesystems = 0
    /// Per-user rows (`top_users`), deleted by their own cutoff.
    public var topUsers = 0
    /// Collection runs (`collection_runs`).
    public var runs = 0
    /// Rows of the hourly rollup (`server_metrics_hourly`), one per server and hour.
    public var hourlyRollups = 0
    /// Alert events (`alert_events`), with their notifications, and silences that ended.
    public var alertEvents = 0
    /// Busiest-process rows (`sample_processes`), deleted with the per-user cutoff.
    public var processes = 0
    /// Container rows (`sample_containers`), deleted with the per-user cutoff.
    public var containers = 0
    /// Change events (`change_events`), deleted with the samples' cutoff.
    public var changeEvents = 0

    /// Creates an empty report.
    public init() {}
}

/// Deletes old data in bounded batches, so a large backlog never holds long locks
/// or one huge transaction; each table is deleted by time through its BRIN index.
public struct RetentionRepository: Sendable {
    let pool: ConnectionPool

    /// Rows deleted per statement.
    public static let batchSize = 20_000

    /// Deletes samples, filesystems, runs and change events older than `olderThan`, and
    /// top-user, busiest-process and container rows older than `topUsersOlderThan`. The latest
    /// sample of each server is kept whatever its age, with its rows, so a server that went
    /// quiet still shows what it last reported.
    ///
    /// The hourly rollup loses the hours that end at or before `olderThan` (except the hour
    /// of a kept latest sample), through its index on the hour; the hour that `olderThan`
    /// falls into is recomputed from the samples left, so history reads the same from
    /// the rollup as from the samples.
    public func deleteOldData(olderThan cutoff: Date, topUsersOlderThan usersCutoff: Date) async throws(StorageError) -> RetentionReport {
        var report = RetentionReport()
        // Before the samples, so deleting a sample finds no rows left to cascade to.
        report.processes = try await deleteInBatches(
            """
            DELETE FROM sample_processes WHERE ctid = ANY(ARRAY(
                SELECT p.ctid FROM sample_processes p WHERE p.collected_at < \(usersCutoff)
                AND NOT EXISTS (SELECT 1 FROM servers s WHERE s.latest_sample_id = p.sample_id)
                LIMIT \(Self.batchSize)))
            """)
        report.containers = try await deleteInBatches(
            """
            DELETE FROM sample_containers WHERE ctid = ANY(ARRAY(
                SELECT c.ctid FROM sample_containers c WHERE c.collected_at < \(usersCutoff)
                AND NOT EXISTS (SELECT 1 FROM servers s WHERE s.latest_sample_id = c.sample_id)
                LIMIT \(Self.batchSize)))
            """)
        report.changeEvents = try await deleteInBatches(
            """
            DELETE FROM change_events WHERE id IN (
                SELECT id FROM change_events WHERE at < \(cutoff) LIMIT \(Self.batchSize))
            """)
        report.samples = try await deleteInBatches(
            """
            DELETE FROM server_metrics WHERE id IN (
                SELECT m.id FROM server_metrics m WHERE m.collected_at < \(cutoff)
                AND NOT EXISTS (SELECT 1 FROM servers s WHERE s.latest_sample_id = m.id)
                LIMIT \(Self.batchSize))
            """)
        report.filesystems = try await deleteInBatches(
            """
            DELETE FROM filesystems WHERE ctid = ANY(ARRAY(
                SELECT f.ctid FROM filesystems f WHERE f.collected_at < \(cutoff)
                AND NOT EXISTS (SELECT 1 FROM servers s WHERE s.latest_sample_id = f.sample_id)
                LIMIT \(Self.batchSize)))
            """)
        report.topUsers = try await deleteInBatches(
            """
            DELETE FROM top_users WHERE ctid = ANY(ARRAY(
                SELECT u.ctid FROM top_users u WHERE u.collected_at < \(usersCutoff)
                AND NOT EXISTS (SELECT 1 FROM servers s WHERE s.latest_sample_id = u.sample_id)
                LIMIT \(Self.batchSize)))
            """)
        report.runs = try await deleteInBatches(
            """
            DELETE FROM collection_runs WHERE id IN (
                SELECT id FROM collection_runs WHERE started_at < \(cutoff) LIMIT \(Self.batchSize))
            """)
        report.hourlyRollups = try await deleteInBatches(
            """
            DELETE FROM server_metrics_hourly WHERE ctid = ANY(ARRAY(
                SELECT h.ctid FROM server_metrics_hourly h WHERE h.hour < date_trunc('hour', \(cutoff)::timestamptz, 'UTC')
                AND NOT EXISTS (
                    SELECT 1 FROM servers s JOIN server_metrics m ON m.id = s.latest_sample_id
                    WHERE s.id = h.server_id AND m.collected_at >= h.hour AND m.collected_at < h.hour + interval '1 hour')
                LIMIT \(Self.batchSize)))
            """)
        // Told events and ended silences go with the samples; a notification still pending keeps its event.
        report.alertEvents = try await deleteInBatches(
            """
            DELETE FROM alert_events WHERE id IN (
                SELECT e.id FROM alert_events e WHERE e.created_at < \(cutoff)
                AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_ref = e.id AND n.state = 'pending')
                LIMIT \(Self.batchSize))
            """)
        try await pool.query("DELETE FROM silences WHERE ends_at < \(cutoff)")
        // The cutoff's own hour lost its older samples, and its first sample left lost the
        // predecessor its rate came from: recompute that hour of every server, in one statement.
        try await pool.query(
            """
            SELECT server_metrics_hourly_refresh(ARRAY(SELECT id FROM servers), date_trunc('hour', \(cutoff)::timestamptz, 'UTC'),
                                                 date_trunc('hour', \(cutoff)::timestamptz, 'UTC') + interval '1 hour') AS hours
            """)
        return report
    }

    private func deleteInBatches(_ statement: SQLQuery) async throws(StorageError) -> Int {
        var total = 0
        while true {
            let deleted = try await pool.query(statement).affectedRows
            total += deleted
            if deleted < Self.batchSize { return total }
        }
    }
}

import DashboardCore
import FoundationEssentials

/// Collection runs and each server's outcome within them.
public struct RunRepository: Sendable {
    let pool: ConnectionPool

    /// Records the start of a run and returns its id.
    public func start(at time: Date, serversTotal: Int, shard: String? = nil, collectorHost: String? = nil) async throws(StorageError) -> Int64 {
        let result = try await pool.query(
            """
            INSERT INTO collection_runs (started_at, state, servers_total, shard, collector_host)
            VALUES (\(time), 'running', \(serversTotal), \(shard), \(collectorHost)) RETURNING id
            """)
        return try result.first!.require("id")
    }

    /// Records how one server fared in a run.
    public func record(_ outcome: ServerOutcome, runID: Int64, serverID: Int64?) async throws(StorageError) {
        try await pool.query(
            """
            INSERT INTO run_outcomes (run_id, server_id, server_name, outcome, failure_kind, message, attempts, duration_ms, finished_at)
            VALUES (\(runID), \(serverID), \(outcome.serverName), \(outcome.succeeded ? "ok" : "failed"),
                    \(outcome.failure?.kind.rawValue), \(outcome.failure?.message), \(outcome.attempts),
                    \(outcome.durationMilliseconds), \(outcome.finishedAt))
            ON CONFLICT (run_id, server_name) DO UPDATE SET
                outcome = excluded.outcome, failure_kind = excluded.failure_kind, message = excluded.message,
                attempts = excluded.attempts, duration_ms = excluded.duration_ms, finished_at = excluded.finished_at
            """)
    }

    /// Records the end of a run; the counts come from its recorded outcomes.
    public func finish(runID: Int64, at time: Date, state: CollectionRun.State) async throws(StorageError) {
        try await pool.query(
            """
            UPDATE collection_runs r SET finished_at = \(time), state = \(state.rawValue),
                ok_count = (SELECT count(*) FROM run_outcomes o WHERE o.run_id = r.id AND o.outcome = 'ok'),
                failed_count = (SELECT count(*) FROM run_outcomes o WHERE o.run_id = r.id AND o.outcome = 'failed')
            WHERE r.id = \(runID)
            """)
    }

    /// The most recent runs, newest first.
    public func recent(limit: Int = 20) async throws(StorageError) -> [CollectionRun] {
        try decodeRuns(
            await pool.query(
                """
                SELECT id, started_at, finished_at, state, servers_total, ok_count, failed_count
                FROM collection_runs ORDER BY started_at DESC, id DESC LIMIT \(min(max(1, limit), 1000))
                """))
    }

    /// One run by id, or `nil`.
    public func run(id: Int64) async throws(StorageError) -> CollectionRun? {
        try decodeRuns(
            await pool.query(
                """
                SELECT id, started_at, finished_at, state, servers_total, ok_count, failed_count
                FROM collection_runs WHERE id = \(id)
                """)
        ).first
    }

    private func decodeRuns(_ result: QueryResult) throws(StorageError) -> [CollectionRun] {
        var runs: [CollectionRun] = []
        for row in result.rows {
            runs.append(
                CollectionRun(
                    id: try row.require("id"), startedAt: try row.require("started_at"), finishedAt: try row.decode("finished_at"),
                    state: CollectionRun.State(rawValue: try row.require("state")) ?? .failed,
                    serversTotal: try row.require("servers_total"), okCount: try row.require("ok_count"), failedCount: try row.require("failed_count")
                ))
        }
        return runs
    }

    /// The outcomes of one run, by server name.
    public func outcomes(runID: Int64) async throws(StorageError) -> [ServerOutcome] {
        try await decodeOutcomes(
            pool.query(
                """
                SELECT server_name, failure_kind, message, attempts, duration_ms, finished_at
                FROM run_outcomes WHERE run_id = \(runID) ORDER BY server_name
                """))
    }

    /// A server's most recent failed attempts, newest first.
    public func recentFailures(serverID: Int64, limit: Int = 10) async throws(StorageError) -> [ServerOutcome] {
        try await decodeOutcomes(
            pool.query(
                """
                SELECT server_name, failure_kind, message, attempts, duration_ms, finished_at
                FROM run_outcomes WHERE server_id = \(serverID) AND outcome = 'failed'
                ORDER BY finished_at DESC LIMIT \(min(max(1, limit), 1000))
                """))
    }

    private func decodeOutcomes(_ result: QueryResult) throws(StorageError) -> [ServerOutcome] {
        var outcomes: [ServerOutcome] = []
        for row in result.rows {
            var failure: CollectionFailure?
            if let kind: String = try row.decode("failure_kind") {
                failure = CollectionFailure(kind: FailureKind(rawValue: kind) ?? .protocol, message: try row.decode("message") ?? "")
            }
            outcomes.append(
                ServerOutcome(
                    serverName: try row.require("server_name"), failure: failure, attempts: try row.require("attempts"),
                    durationMilliseconds: try row.require("duration_ms"), finishedAt: try row.require("finished_at")
                ))
        }
        return outcomes
    }
}

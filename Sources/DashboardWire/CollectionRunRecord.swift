import DashboardCore
import FoundationEssentials

/// One element of `GET /api/collector/runs`, and `GET /api/collector/runs/{run_id}` with
/// `servers`: a collection run, how it ended and how long it took.
public struct CollectionRunRecord: Codable, Sendable, Equatable {
    /// The run's database id.
    public var runID: Int64
    /// When the collector started it.
    public var startedAt: Date
    /// When it ended; `null` while it runs or when the collector died before recording the end.
    @Nullable public var finishedAt: Date?
    /// `running`, `completed`, `interrupted` or `failed`.
    public var state: String
    /// Servers the run set out to collect.
    public var serversTotal: Int
    /// Servers collected.
    public var ok: Int
    /// Servers that failed.
    public var failed: Int
    /// Wall time in milliseconds; `null` until it ends.
    @Nullable public var durationMilliseconds: Int?
    /// Every server's outcome: only in the single-run answer (the key is absent from lists).
    public var servers: [OutcomeRecord]?

    /// The record of `run`, with `servers` for the single-run answer.
    public init(_ run: CollectionRun, servers: [ServerOutcome]? = nil) {
        runID = run.id
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        state = run.state.rawValue
        serversTotal = run.serversTotal
        ok = run.okCount
        failed = run.failedCount
        durationMilliseconds = run.finishedAt.map { Int(($0.timeIntervalSince(run.startedAt) * 1000).rounded()) }
        self.servers = servers?.map(OutcomeRecord.init)
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", startedAt = "started_at", finishedAt = "finished_at", state
        case serversTotal = "servers_total", ok, failed, durationMilliseconds = "duration_ms", servers
    }
}

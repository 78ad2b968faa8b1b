import DashboardCore
import FoundationEssentials

/// One server's outcome in a run, in the shape of `collector run --json`: an element of a
/// run's `servers` and of `GET /api/servers/{server_name}/failures`.
public struct OutcomeRecord: Codable, Sendable, Equatable {
    /// The server's inventory name.
    public var serverName: String
    /// `ok` or `failed`.
    public var outcome: String
    /// `refused`, `timeout`, `auth`, `host_key`, `protocol`, `probe` or `storage`; `null` when it succeeded.
    @Nullable public var failureKind: String?
    /// What went wrong, safe to show; `null` when it succeeded.
    @Nullable public var message: String?
    /// Attempts made.
    public var attempts: Int
    /// Wall time spent on the server in milliseconds, waits between attempts included.
    public var durationMilliseconds: Int
    /// When the outcome was settled.
    public var finishedAt: Date

    /// The record of `outcome`.
    public init(_ outcome: ServerOutcome) {
        serverName = outcome.serverName
        self.outcome = outcome.succeeded ? "ok" : "failed"
        failureKind = outcome.failure?.kind.rawValue
        message = outcome.failure?.message
        attempts = outcome.attempts
        durationMilliseconds = outcome.durationMilliseconds
        finishedAt = outcome.finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name", outcome, failureKind = "failure_kind", message, attempts
        case durationMilliseconds = "duration_ms", finishedAt = "finished_at"
    }
}

import FoundationEssentials

/// One execution of `collector run`: when, how it ended, and each server's outcome.
public struct CollectionRun: Sendable, Equatable {
    /// How a run ended.
    public enum State: String, Sendable, Codable, CaseIterable {
        case running
        case completed
        /// Stopped by a signal before every server was done.
        case interrupted
        /// Could not run at all (configuration or database).
        case failed
    }

    /// The run's database id (`collection_runs.id`).
    public var id: Int64
    /// When the collector started the run.
    public var startedAt: Date
    /// When it ended; `nil` while it runs, or when the collector died before recording the end.
    public var finishedAt: Date?
    /// How it ended, or `running`.
    public var state: State
    /// Servers the run set out to collect (with `--shard`, this shard's share).
    public var serversTotal: Int
    /// Servers whose outcome was ok, counted when the run finishes.
    public var okCount: Int
    /// Servers whose outcome was a failure, counted when the run finishes.
    public var failedCount: Int

    /// Creates a run record.
    public init(id: Int64, startedAt: Date, finishedAt: Date? = nil, state: State = .running, serversTotal: Int = 0, okCount: Int = 0, failedCount: Int = 0) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.state = state
        self.serversTotal = serversTotal
        self.okCount = okCount
        self.failedCount = failedCount
    }
}

/// How collecting from one server went within one run.
public struct ServerOutcome: Sendable, Equatable {
    /// The server's inventory name.
    public var serverName: String
    /// `nil` when the server succeeded.
    public var failure: CollectionFailure?
    /// Attempts made, from 1 to `COLLECT_ATTEMPTS`; only transient failures are retried.
    public var attempts: Int
    /// Wall time spent on the server in milliseconds, from the start of the first attempt to the end of the last, waits included.
    public var durationMilliseconds: Int
    /// When the outcome was settled, after the sample or failure was stored.
    public var finishedAt: Date

    /// Creates an outcome record.
    public init(serverName: String, failure: CollectionFailure?, attempts: Int, durationMilliseconds: Int, finishedAt: Date) {
        self.serverName = serverName
        self.failure = failure
        self.attempts = attempts
        self.durationMilliseconds = durationMilliseconds
        self.finishedAt = finishedAt
    }

    /// Whether the server was collected.
    public var succeeded: Bool { failure == nil }
}

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

    public var id: Int64
    public var startedAt: Date
    public var finishedAt: Date?
    public var state: State
    public var serversTotal: Int
    public var okCount: Int
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
    public var serverName: String
    /// `nil` when the server succeeded.
    public var failure: CollectionFailure?
    public var attempts: Int
    public var durationMilliseconds: Int
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

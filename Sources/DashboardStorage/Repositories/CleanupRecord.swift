import FoundationEssentials

/// One retention cleanup as recorded in `cleanup_runs` (docs/operations.md, "Retention").
public struct CleanupRecord: Sendable, Equatable {
    /// Who started a cleanup.
    public enum Trigger: String, Sendable, Equatable {
        /// A deployment's schedule, through `collector cleanup --if-due`.
        case schedule
        /// Someone by hand: `collector cleanup`, `make cleanup-data`.
        case manual
    }

    /// Where a cleanup stands.
    public enum State: String, Sendable, Equatable {
        /// Still deleting (or stopped before it could record its end).
        case running
        /// Done; `removed` holds what it deleted.
        case completed
        /// Stopped by an error; `message` says which.
        case failed
    }

    /// The row's id.
    public var id: Int64
    /// Who started it.
    public var trigger: Trigger
    /// Where it stands.
    public var state: State
    /// When it started.
    public var startedAt: Date
    /// When it ended, or `nil` while it runs.
    public var finishedAt: Date?
    /// The days of samples it kept (`RETENTION_DAYS` or `--days`).
    public var retentionDays: Int
    /// The days of per-user rows it kept (`TOP_USERS_RETENTION_DAYS`, at most `retentionDays`).
    public var topUsersRetentionDays: Int
    /// The rows it removed, per table (zero until it completes).
    public var removed: RetentionReport
    /// Why it failed, for a failed cleanup.
    public var message: String?

    /// Creates a record.
    public init(
        id: Int64, trigger: Trigger, state: State, startedAt: Date, finishedAt: Date?, retentionDays: Int, topUsersRetentionDays: Int,
        removed: RetentionReport, message: String? = nil
    ) {
        self.id = id
        self.trigger = trigger
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.retentionDays = retentionDays
        self.topUsersRetentionDays = topUsersRetentionDays
        self.removed = removed
        self.message = message
    }

    /// How long a scheduled cleanup waits after the start of the last completed one: a little
    /// under a day, so a schedule that runs it at the same hour every day never skips a day.
    public static let scheduleInterval: TimeInterval = 23 * 3600

    /// When the schedule runs the next cleanup: `scheduleInterval` after this one started.
    public var nextDue: Date { startedAt.addingTimeInterval(Self.scheduleInterval) }
}

/// What a call of `RetentionRepository.cleanUp` did.
public enum CleanupOutcome: Sendable, Equatable {
    /// It deleted old data; the completed record.
    case cleaned(CleanupRecord)
    /// It was asked to run only if due, and the last completed cleanup is recent enough.
    case notDue(last: CleanupRecord)
    /// Another cleanup holds the cleanup lock; nothing was done.
    case busy
}

/// How many consecutive attempts at one level an alert waits for before it opens,
/// escalates or resolves (`ALERT_AFTER_SAMPLES`, `ALERT_OFFLINE_AFTER_FAILURES`), so a
/// single spike or one dropped connection does not page anyone (docs/notifications.md).
public struct AlertDebouncer: Sendable, Equatable {
    /// Consecutive samples at a level before a metric alert moves to it (1 = at once).
    public var afterSamples: Int
    /// Consecutive failed attempts before the offline alert opens (1 = at once).
    public var offlineAfterFailures: Int

    /// Creates a debouncer; counts below 1 count as 1.
    public init(afterSamples: Int = 1, offlineAfterFailures: Int = 1) {
        self.afterSamples = max(1, afterSamples)
        self.offlineAfterFailures = max(1, offlineAfterFailures)
    }

    /// The run of attempts at one level, per server and alert type.
    public struct Streak: Sendable, Equatable {
        /// The level of the latest attempts.
        public var level: MetricStatus
        /// Consecutive attempts at exactly `level`.
        public var count: Int
        /// Consecutive attempts at warning or above.
        public var badCount: Int

        /// Creates a streak.
        public init(level: MetricStatus, count: Int, badCount: Int) {
            self.level = level
            self.count = count
            self.badCount = badCount
        }

        /// The streak after one more attempt at `level`.
        public func extended(by level: MetricStatus) -> Streak {
            Streak(level: level, count: level == self.level ? count + 1 : 1, badCount: level == .normal ? 0 : badCount + 1)
        }

        /// The streak of a first attempt at `level`.
        public static func first(_ level: MetricStatus) -> Streak {
            Streak(level: level, count: 1, badCount: level == .normal ? 0 : 1)
        }
    }

    /// Filters one attempt's raw decisions: each moves its alert only once its level has held
    /// long enough. `streaks` are the server's streaks before this attempt and `open` the
    /// severities of its open alerts; returns the decisions to apply and every streak after
    /// this attempt. A host-key alert is never held back (it is a security event), and a
    /// successful attempt resolves the offline alert at once.
    public func filter(_ decisions: [AlertDecision], streaks: [AlertType: Streak], open: [AlertType: AlertSeverity])
        -> (decisions: [AlertDecision], streaks: [AlertType: Streak])
    {
        var passed: [AlertDecision] = []
        var updated: [AlertType: Streak] = [:]
        for decision in decisions {
            let type: AlertType
            let level: MetricStatus
            switch decision {
            case .open(let openType, let severity, _, _):
                type = openType
                level = severity == .critical ? .critical : .warning
            case .resolve(let resolveType):
                type = resolveType
                level = .normal
            }
            let streak = streaks[type].map { $0.extended(by: level) } ?? .first(level)
            updated[type] = streak
            if type == .hostKey || (type == .offline && level == .normal) {
                passed.append(decision)
                continue
            }
            let needed = type == .offline ? offlineAfterFailures : afterSamples
            if streak.count >= needed {
                passed.append(decision)
            } else if case .open(_, _, let message, let value) = decision, streak.badCount >= needed, open[type] == nil {
                // Bad long enough, though not at one level: open at the milder level.
                passed.append(.open(type, .warning, message: message, value: value))
            }
        }
        return (passed, updated)
    }
}

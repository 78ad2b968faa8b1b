import DashboardCore
import DashboardStorage
import Foundation
import Notify

/// How alerts are debounced and told (docs/notifications.md), read once at start.
struct NotificationSettings: Sendable {
    /// `ALERT_AFTER_SAMPLES` [1] and `ALERT_OFFLINE_AFTER_FAILURES` [1].
    var debouncer: AlertDebouncer
    /// The channels of `NOTIFY_URLS` that could be read.
    var channels: [NotifyChannel]
    /// The entries of `NOTIFY_URLS` that could not, by position, credentials masked.
    var channelProblems: [NotifyChannelProblem]
    /// Timeout, webhook secret, dashboard link, TLS trust.
    var sending: NotifySettings
    /// `NOTIFY_MIN_SEVERITY` [warning].
    var minimumSeverity: AlertSeverity
    /// `NOTIFY_RESOLVED` [true].
    var notifyResolved: Bool
    /// `NOTIFY_REPEAT_MINUTES` [0 = never]: a reminder this often while an alert stays open.
    var repeatMinutes: Int
    /// `NOTIFY_GROUP_MIN` [5]: this many events for one channel go as one message.
    var groupMinimum: Int
    /// `NOTIFY_MAX_AGE_HOURS` [24]: a notification not delivered by then is given up.
    var maximumAgeHours: Int
    /// `NOTIFY_RETRY_BASE_SECONDS` [60]: the wait after a first failed attempt, doubled for
    /// each further one, at most 6 hours.
    var retryBaseSeconds: Double

    /// Reads the settings; the first bad value is reported by its key. Bad `NOTIFY_URLS`
    /// entries are kept as problems, not errors, so the other channels still work.
    init(environment: [String: String]) throws(ConfigurationError) {
        let values = EnvironmentValues(environment)
        debouncer = AlertDebouncer(
            afterSamples: try values.integer("ALERT_AFTER_SAMPLES", default: 1, in: 1...1000),
            offlineAfterFailures: try values.integer("ALERT_OFFLINE_AFTER_FAILURES", default: 1, in: 1...1000))
        (channels, channelProblems) = NotifyChannels.parse(values.string("NOTIFY_URLS") ?? "")
        sending = try NotifySettings(environment: environment)
        minimumSeverity =
            AlertSeverity(rawValue: try values.choice("NOTIFY_MIN_SEVERITY", default: "warning", among: AlertSeverity.allCases.map(\.rawValue))) ?? .warning
        notifyResolved = try values.choice("NOTIFY_RESOLVED", default: "true", among: ["true", "false"]) == "true"
        repeatMinutes = try values.integer("NOTIFY_REPEAT_MINUTES", default: 0, in: 0...525_600)
        groupMinimum = try values.integer("NOTIFY_GROUP_MIN", default: 5, in: 2...100_000)
        maximumAgeHours = try values.integer("NOTIFY_MAX_AGE_HOURS", default: 24, in: 1...8760)
        retryBaseSeconds = try values.seconds("NOTIFY_RETRY_BASE_SECONDS", default: 60, in: 0...86_400)
    }

    /// The channels as the outbox stores them.
    var outboxChannels: [OutboxChannel] { channels.map { OutboxChannel(key: $0.key, label: $0.label) } }

    /// The outbox policy of a run, with the silences in force.
    func outbox(silences: [Silence]) -> AlertOutbox {
        AlertOutbox(channels: outboxChannels, minimumSeverity: minimumSeverity, notifyResolved: notifyResolved, silences: silences)
    }

    /// When a notification that failed for the `attempts`-th time is tried again.
    func retryTime(afterAttempt attempts: Int, now: Date) -> Date {
        let delay = min(retryBaseSeconds * pow(2, Double(max(0, attempts - 1))), 6 * 3600)
        return now.addingTimeInterval(delay)
    }
}

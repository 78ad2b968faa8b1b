import DashboardCore
import DashboardStorage
import Foundation
import Logging
import Notify

/// Delivers the notification outbox (docs/notifications.md, "Delivery"): tells alerts whose
/// silence ended and those due a reminder, gives up on what is too old, then sends every
/// due notification, all channels at once, grouping a channel's events into one message
/// when there are `NOTIFY_GROUP_MIN` or more. A channel that fails is left until its
/// backoff ends; no request starts after one `NOTIFY_TIMEOUT_SECONDS` has passed, so the
/// whole step lasts at most about twice that. Each outcome is recorded as soon as it is
/// known, so a process killed mid-delivery leaves the rest pending for the next one.
struct NotificationDispatcher: Sendable {
    let database: Database
    let databaseConfiguration: DatabaseConfiguration
    let settings: NotificationSettings
    let notifier: Notifier
    let logger: Logger

    /// The largest number of events one grouped message carries.
    static let maximumGroupSize = 100

    /// What one delivery step did.
    struct Summary: Sendable, Equatable {
        /// Notifications the channels accepted.
        var delivered = 0
        /// Notifications whose attempt failed (they stay pending, with backoff).
        var failed = 0
        /// Notifications given up on.
        var abandoned = 0
        /// Messages sent (a grouped one counts once).
        var messages = 0
        /// Whether another delivery was in progress, so this one did nothing.
        var skipped = false

        /// A line for people: `notifications: 3 delivered in 2 messages, 1 failed (retried later), 0 given up`.
        var line: String {
            if skipped { return "notifications: another delivery is in progress; nothing sent by this one" }
            return
                "notifications: \(delivered) delivered in \(messages) message\(messages == 1 ? "" : "s"), \(failed) failed (retried later), \(abandoned) given up"
        }
    }

    /// One delivery step at `now`.
    func deliver(now: Date = Date()) async throws(StorageError) -> Summary {
        var summary = Summary()
        guard let lock = try await RunLock.acquire(databaseConfiguration, key: RunLock.deliveryKey) else {
            summary.skipped = true
            return summary
        }
        do {
            summary = try await deliverHoldingLock(now: now)
        } catch {
            await lock.release()
            throw error
        }
        await lock.release()
        return summary
    }

    private func deliverHoldingLock(now: Date) async throws(StorageError) -> Summary {
        var summary = Summary()
        try await tellHeldAndReminders(now: now)
        let cutoff = now.addingTimeInterval(-Double(settings.maximumAgeHours) * 3600)
        let abandoned = try await database.notifications.abandon(
            writtenBefore: cutoff, maximumAgeHours: settings.maximumAgeHours, keepingChannels: settings.channels.map(\.key))
        for notification in abandoned {
            logger.error(
                "a notification was given up",
                metadata: [
                    "notify.channel": "\(notification.channel)", "notify.event_id": "\(notification.eventID)", "server.name": "\(notification.serverName)",
                    "notify.attempts": "\(notification.attempts)", "notify.reason": "\(notification.reason)",
                ])
        }
        summary.abandoned = abandoned.count
        let due = try await database.notifications.due(at: now)
        guard !due.isEmpty else { return summary }
        let byChannel = Dictionary(grouping: due, by: \.channelKey)
        let deadline = ContinuousClock.now + .seconds(settings.sending.timeoutSeconds)
        let results = await withTaskGroup(of: Summary.self) { group in
            for channel in settings.channels {
                guard let rows = byChannel[channel.key] else { continue }
                group.addTask { await deliver(rows, to: channel, deadline: deadline) }
            }
            var total = Summary()
            for await part in group {
                total.delivered += part.delivered
                total.failed += part.failed
                total.messages += part.messages
            }
            return total
        }
        summary.delivered = results.delivered
        summary.failed = results.failed
        summary.messages = results.messages
        return summary
    }

    /// Writes the events of alerts whose silence ended while they stayed open, and reminders.
    private func tellHeldAndReminders(now: Date) async throws(StorageError) {
        guard !settings.channels.isEmpty else { return }
        let remindBefore = settings.repeatMinutes > 0 ? now.addingTimeInterval(-Double(settings.repeatMinutes) * 60) : nil
        let alerts = try await database.notifications.alertsToTell(remindBefore: remindBefore)
        guard !alerts.held.isEmpty || !alerts.reminders.isEmpty else { return }
        let silences = try await database.silences.list(includeEnded: false, now: now)
        var notices: [AlertNotice] = []
        for alert in alerts.held where alert.subject.silencing(alert.type, silences: silences, at: now) == nil {
            guard settings.minimumSeverity == .warning || alert.severity == .critical else { continue }
            notices.append(AlertNotice(alertID: alert.alertID, event: alert.notified ? "escalated" : "opened"))
            logger.info(
                "a silence ended on an open alert: notifying it", metadata: ["server.name": "\(alert.serverName)", "alert.type": "\(alert.type.rawValue)"])
        }
        for alert in alerts.reminders where alert.subject.silencing(alert.type, silences: silences, at: now) == nil {
            notices.append(AlertNotice(alertID: alert.alertID, event: "reminder"))
        }
        try await database.notifications.tell(notices, at: now, channels: settings.outboxChannels)
    }

    /// Sends one channel's due notifications in order, grouped when there are enough, and
    /// stops at its first failure.
    private func deliver(_ rows: [PendingNotification], to channel: NotifyChannel, deadline: ContinuousClock.Instant) async -> Summary {
        var summary = Summary()
        let batches: [[PendingNotification]] =
            rows.count >= settings.groupMinimum
            ? stride(from: 0, to: rows.count, by: Self.maximumGroupSize).map { Array(rows[$0..<min($0 + Self.maximumGroupSize, rows.count)]) }
            : rows.map { [$0] }
        for (index, batch) in batches.enumerated() {
            if index > 0 && ContinuousClock.now >= deadline { break }
            let outcome = await notifier.send(batch.map(Self.event), to: channel)
            let ids = batch.map(\.id)
            let now = Date()
            summary.messages += 1
            do {
                switch outcome {
                case .delivered:
                    try await database.notifications.markDelivered(ids, at: now)
                    summary.delivered += batch.count
                case .failed(let reason):
                    let attempts = (batch.map(\.attempts).max() ?? 0) + 1
                    try await database.notifications.markFailed(ids, error: reason, retryAt: settings.retryTime(afterAttempt: attempts, now: now))
                    summary.failed += batch.count
                    logger.warning(
                        "a notification could not be delivered; it is tried again later",
                        metadata: ["notify.channel": "\(channel.label)", "notify.events": "\(batch.count)", "notify.error": "\(reason)"])
                    return summary
                }
            } catch {
                // Not recorded: the rows stay pending and are sent again (receivers dedupe by event_id).
                logger.error("could not record a notification's delivery", metadata: ["notify.channel": "\(channel.label)", "db.error": "\(error.message)"])
                return summary
            }
        }
        return summary
    }

    /// The event a pending notification tells.
    static func event(_ row: PendingNotification) -> NotificationEvent {
        NotificationEvent(
            eventID: row.eventID, event: row.event, alertID: row.alertID, server: row.serverName, type: row.type, severity: row.severity,
            message: row.message, value: row.value, openedAt: row.openedAt, resolvedAt: row.resolvedAt)
    }
}

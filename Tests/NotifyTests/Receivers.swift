import DashboardCore
import Foundation
import Logging
import Notify
import Synchronization

/// A log handler that keeps every message, to check what was logged.
final class RecordingLogHandler: LogHandler, Sendable {
    let records = Mutex<[(Logger.Level, String)]>([])

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        records.withLock { $0.append((event.level, event.message.description)) }
    }

    /// A logger writing to this handler.
    var logger: Logger { Logger(label: "notify-tests") { _ in self } }

    /// The messages logged at `level`.
    func messages(at level: Logger.Level) -> [String] {
        records.withLock { $0.filter { $0.0 == level }.map(\.1) }
    }
}

/// An event as the collector would pass it.
func sampleEvent(
    event: String = "opened", alertID: Int64 = 42, server: String = "web-01", type: String = "disk", severity: String = "critical",
    message: String = "disk / at 95%", value: Double? = 95.25, id: String = UUID().uuidString.lowercased()
) -> NotificationEvent {
    NotificationEvent(
        eventID: id, event: event, alertID: alertID, server: server, type: type, severity: severity, message: message, value: value,
        openedAt: Date(timeIntervalSince1970: 1_796_000_000.5), resolvedAt: event == "resolved" ? Date(timeIntervalSince1970: 1_796_003_600) : nil)
}

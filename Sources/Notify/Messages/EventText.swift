import DashboardCore
import FoundationEssentials

/// The human-readable pieces every channel shares: a headline per event, the summary of a
/// group. Untrusted text is cleaned here (one line, bounded) before any channel sees it.
struct EventText {
    /// The event's fields, cleaned.
    let event: NotificationEvent
    /// `CRITICAL`, `WARNING`, `RESOLVED` or `TEST`.
    let tag: String
    /// The server name, one line, at most 200 characters.
    let server: String
    /// The message, one line, at most 1,000 characters.
    let message: String

    init(_ event: NotificationEvent) {
        var cleaned = event
        cleaned.server = UntrustedText.clean(event.server, limit: UntrustedText.nameLimit)
        cleaned.message = UntrustedText.clean(event.message, limit: UntrustedText.messageLimit)
        cleaned.event = UntrustedText.clean(event.event, limit: UntrustedText.wordLimit)
        cleaned.type = UntrustedText.clean(event.type, limit: UntrustedText.wordLimit)
        cleaned.severity = UntrustedText.clean(event.severity, limit: UntrustedText.wordLimit)
        self.event = cleaned
        server = cleaned.server
        message = cleaned.message
        switch cleaned.event {
        case "resolved": tag = "RESOLVED"
        case "test": tag = "TEST"
        default: tag = cleaned.severity.uppercased()
        }
    }

    /// Whether the event is good news (or a test) rather than a problem.
    var isProblem: Bool { event.event != "resolved" && event.event != "test" }

    /// `CRITICAL web-01: disk at 95%`, with `(escalated)` / `(reminder: still open)` after it.
    /// `messageLimit` shortens the message further (grouped lines).
    func headline(messageLimit: Int = UntrustedText.messageLimit) -> String {
        let text = messageLimit < message.count ? UntrustedText.clean(message, limit: messageLimit) : message
        let suffix =
            switch event.event {
            case "escalated": " (escalated)"
            case "reminder": " (reminder: still open)"
            default: ""
            }
        return "\(tag) \(server): \(text)\(suffix)"
    }

    /// A short emoji name for the event: ntfy tags and Slack's `:name:`.
    var emoji: String {
        switch event.event {
        case "resolved": "white_check_mark"
        case "test": "bell"
        default: event.severity == "critical" ? "rotating_light" : "warning"
        }
    }

    /// `12 alert events: 3 critical, 7 warning, 2 resolved`.
    static func summary(_ events: [EventText]) -> String {
        var counts: [(String, Int)] = []
        for name in ["critical", "warning", "resolved", "test"] {
            let count = events.filter { name == "resolved" || name == "test" ? $0.event.event == name : $0.isProblem && $0.event.severity == name }.count
            if count > 0 { counts.append((name, count)) }
        }
        let others = events.count - counts.reduce(0) { $0 + $1.1 }
        if others > 0 { counts.append(("other", others)) }
        return "\(events.count) alert events: " + counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
    }

    /// How many event lines a grouped message lists before `… and N more`.
    static let groupLineLimit = 50

    /// A figure for people: one decimal at most (`95`, `93.5`).
    static func figure(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let tenths = (value * 10).rounded()
        let whole = Int64(tenths / 10)
        let fraction = Int64(abs(tenths.truncatingRemainder(dividingBy: 10)))
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// The deterministic id of a grouped message: `group-` and 32 hex digits of the SHA-256
    /// of the sorted member event ids, so a retried group has the same id.
    static func groupID(_ events: [NotificationEvent]) -> String {
        let joined = events.map(\.eventID).sorted().joined(separator: "\n")
        return "group-" + Digest.hex(Digest.sha256(Array(joined.utf8)).prefix(16))
    }
}

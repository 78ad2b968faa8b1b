import DashboardCore
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An RFC 5322 e-mail for one event or a group: plain UTF-8 text, CRLF line ends, every
/// header value on one line (nothing from a host can add a header).
enum EmailMessage {
    /// The whole message, headers and body, ready for the SMTP `DATA` phase.
    static func text(_ events: [NotificationEvent], from: String, to: [String], dashboardURL: String?, date: Date = Date()) -> [UInt8] {
        let texts = events.map(EventText.init)
        let subject: String
        let id: String
        var body: [String] = []
        if texts.count == 1 {
            let text = texts[0]
            subject = text.headline(messageLimit: 150)
            id = text.event.eventID
            body += details(text)
        } else {
            subject = EventText.summary(texts)
            id = EventText.groupID(events)
            body.append(subject)
            body.append("")
            for text in texts.prefix(groupLineLimit) { body.append(text.headline()) }
            if texts.count > groupLineLimit { body.append("… and \(texts.count - groupLineLimit) more") }
        }
        if let dashboardURL {
            body += ["", "Dashboard: " + UntrustedText.clean(dashboardURL, limit: 500)]
        }
        body += ["", "-- ", "Sent by Server Dashboard. Event id: \(UntrustedText.clean(id, limit: 100))"]
        let domain = from.split(separator: "@").last.map(String.init) ?? "server-dashboard.invalid"
        let headers = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: " + HeaderText.value("[Server Dashboard] " + subject, limit: 200),
            "Date: \(rfc5322Date(date))",
            "Message-ID: <\(messageIDPart(id))@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
        ]
        let lines = headers + [""] + body.flatMap(wrap)
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// How many event lines a grouped e-mail lists before `… and N more`.
    static let groupLineLimit = 200

    private static func details(_ text: EventText) -> [String] {
        let event = text.event
        var lines = [text.headline(), ""]
        lines.append("Server:   \(text.server)")
        lines.append("Alert:    \(event.type), \(event.severity) (alert \(event.alertID))")
        lines.append("Event:    \(event.event)")
        if let value = event.value { lines.append("Value:    \(EventText.figure(value))") }
        lines.append("Opened:   \(Timestamp.format(event.openedAt))")
        if let resolved = event.resolvedAt { lines.append("Resolved: \(Timestamp.format(resolved))") }
        return lines
    }

    /// SMTP limits a line to 998 bytes: longer lines are cut at a character boundary.
    private static func wrap(_ line: String) -> [String] {
        guard line.utf8.count > 900 else { return [line] }
        var pieces: [String] = []
        var piece = ""
        for character in line {
            if piece.utf8.count + character.utf8.count > 900 {
                pieces.append(piece)
                piece = ""
            }
            piece.append(character)
        }
        pieces.append(piece)
        return pieces
    }

    /// Letters, digits, `-` and `.` of an id, for `Message-ID`.
    private static func messageIDPart(_ id: String) -> String {
        let kept = id.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".") }
        return kept.isEmpty ? "event" : String(String.UnicodeScalarView(kept.prefix(100)))
    }

    /// `Tue, 08 Dec 2026 10:00:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}

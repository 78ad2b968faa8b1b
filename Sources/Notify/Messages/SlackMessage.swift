import DashboardCore

/// `{"text": …}` for Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat,
/// Discord's `/slack` endpoint).
enum SlackMessage {
    /// The body for `events`: a line per event, a heading first when there are several.
    static func body(_ events: [NotificationEvent], dashboardURL: String?) -> [UInt8] {
        let texts = events.map(EventText.init)
        var lines: [String] = []
        if texts.count == 1 {
            lines.append(line(texts[0], messageLimit: UntrustedText.messageLimit))
        } else {
            lines.append("*\(escape(EventText.summary(texts)))*")
            for text in texts.prefix(EventText.groupLineLimit) {
                lines.append("• " + line(text, messageLimit: 200))
            }
            if texts.count > EventText.groupLineLimit {
                lines.append("… and \(texts.count - EventText.groupLineLimit) more")
            }
        }
        if let dashboardURL {
            lines.append("<\(escape(UntrustedText.clean(dashboardURL, limit: 500)))|Open Server Dashboard>")
        }
        var json = JSONWriter()
        json.object { json in
            json.key("text"); json.string(lines.joined(separator: "\n"))
        }
        return json.bytes
    }

    /// `:rotating_light: *CRITICAL* web-01: disk at 95%`.
    private static func line(_ text: EventText, messageLimit: Int) -> String {
        let headline = text.headline(messageLimit: messageLimit)
        let rest = headline.dropFirst(text.tag.count)
        return ":\(text.emoji): *\(text.tag)*\(escape(String(rest)))"
    }

    /// Slack's three control characters: `<…>` would otherwise let a message make links or mentions.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

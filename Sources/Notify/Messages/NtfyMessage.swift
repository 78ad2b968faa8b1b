/// An ntfy publish: the text as the body, title, priority, tags and click link as headers.
struct NtfyMessage {
    /// The header lines (`Name: value`).
    var headers: [String]
    /// The message text, UTF-8.
    var body: [UInt8]

    init(_ events: [NotificationEvent], dashboardURL: String?) {
        let texts = events.map(EventText.init)
        var lines: [String] = []
        let title: String
        if texts.count == 1 {
            let text = texts[0]
            title = "\(text.tag) \(text.server): \(text.event.type)"
            lines.append(text.headline())
        } else {
            title = EventText.summary(texts)
            for text in texts.prefix(EventText.groupLineLimit) { lines.append(text.headline(messageLimit: 200)) }
            if texts.count > EventText.groupLineLimit {
                lines.append("… and \(texts.count - EventText.groupLineLimit) more")
            }
        }
        // 5 urgent for critical problems, 4 high for warnings, 3 default for resolutions and tests.
        let priority = texts.map { $0.isProblem ? ($0.event.severity == "critical" ? 5 : 4) : 3 }.max() ?? 3
        var tags: [String] = []
        for text in texts where !tags.contains(text.emoji) { tags.append(text.emoji) }
        headers = [
            "Title: " + HeaderText.value(title, limit: 200),
            "Priority: \(priority)",
            "Tags: " + tags.joined(separator: ","),
        ]
        if let dashboardURL {
            headers.append("Click: " + UntrustedText.clean(dashboardURL, limit: 500))
        }
        body = Array(lines.joined(separator: "\n").utf8)
    }
}

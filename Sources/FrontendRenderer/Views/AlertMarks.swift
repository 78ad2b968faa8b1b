import FoundationEssentials

/// What the pages show of silences and notifications (docs/notifications.md): the
/// "silenced" mark of an alert, each channel's delivery of its events, and silence tables.
enum AlertMarks {
    /// Deliveries listed per alert; older ones are counted, not listed.
    static let deliveriesShown = 6

    /// The notifications cell of an alert: its silence, then each delivery, newest event
    /// first; a quiet "not notified" when no channel was told.
    static func notifications(_ alert: APIRecords.Alert, now: Date) -> HTML {
        var out = HTML.empty
        if let silenced = alert.silenced {
            out.append(
                "<p class=\"silenced\"><span class=\"st s-offline\">silenced</span> \(silenced.reason) until \(until(silenced.until, now: now))</p>")
        }
        guard !alert.notifications.isEmpty else {
            out.append("<span class=\"muted\">not notified</span>")
            return out
        }
        let shown = alert.notifications.prefix(deliveriesShown)
        let items = HTML.join(shown) { "<li class=\"d-\(stateClass($0.state))\">\(delivery($0, now: now))</li>" }
        let hidden = alert.notifications.count - shown.count
        let more: HTML = hidden > 0 ? "<li class=\"muted\">and \(hidden) earlier</li>" : .empty
        out.append("<ul class=\"deliveries\">\(items)\(more)</ul>")
        return out
    }

    /// The end of a silence as a UTC instant, the relative time as its title.
    static func until(_ date: Date, now: Date) -> HTML {
        "<time datetime=\"\(Format.machine(date))\" title=\"\(Format.relative(date, now: now))\">\(Format.utc(date))</time>"
    }

    /// One delivery: `opened → <channel>: delivered 3 min ago`, `pending (2 attempts)`, `failed: <error>`.
    static func delivery(_ delivery: APIRecords.Delivery, now: Date) -> HTML {
        let event: HTML = delivery.event.map { "<span class=\"ev\">\($0)</span> " } ?? .empty
        let state: HTML
        switch delivery.state {
        case "delivered":
            state = "<span class=\"ds\">delivered</span> \(Components.time(delivery.deliveredAt, now: now))"
        case "failed":
            state = "<span class=\"ds\">failed</span>\(delivery.lastError.map { ": <span class=\"err\">\($0)</span>" as HTML })"
        default:
            let attempts: HTML =
                delivery.attempts > 0 ? " <span class=\"muted\">(\(delivery.attempts) \(delivery.attempts == 1 ? "attempt" : "attempts"))</span>" : .empty
            let error: HTML = delivery.lastError.map { " <span class=\"muted\">last error: \($0)</span>" } ?? .empty
            state = "<span class=\"ds\">pending</span>\(attempts)\(error)"
        }
        return "\(event)<code>\(delivery.channel)</code>: \(state)"
    }

    /// A CSS class suffix for a delivery state (an unknown state shows as pending).
    static func stateClass(_ state: String) -> String {
        state == "delivered" || state == "failed" ? state : "pending"
    }

    /// The silences table: what each covers, why and for how long; those still to start say so.
    static func silences(_ id: String, _ silences: [APIRecords.Silence], now: Date) -> HTML {
        let rows = HTML.join(silences) { silence in
            let covers: HTML
            switch silence.scope {
            case "server": covers = silence.server.map { (name) -> HTML in "server \(Components.serverLink(name))" } ?? "server"
            case "tag": covers = "servers tagged <code>\(silence.tag ?? "")</code>"
            default: covers = "every server"
            }
            let scheduled: HTML = silence.startsAt > now ? " <span class=\"muted\">(scheduled)</span>" : .empty
            return """
                <tr data-scope="\(silence.scope)"><th scope="row">\(covers)</th><td>\(silence.type ?? "every type")</td>\
                <td>\(silence.reason)\(scheduled)</td><td>\(Components.time(silence.startsAt, now: now))</td>\
                <td>\(until(silence.endsAt, now: now))</td></tr>
                """
        }
        return """
            <div class="table-wrap"><table id="\(id)"><thead><tr><th scope="col">Covers</th><th scope="col">Alert type</th>\
            <th scope="col">Reason</th><th scope="col">From</th><th scope="col">Until</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }
}

import FoundationEssentials
import Hummingbird

/// `GET /alerts`: the alerts still open, the silences, then the most recently resolved; each
/// alert with its silence and how its notifications fared (docs/notifications.md).
struct AlertsController {
    let pages: PageRenderer

    /// Resolved alerts shown.
    static let resolvedLimit = 100

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/alerts", use: alerts)
    }

    @Sendable func alerts(request: Request, context: some RequestContext) async throws -> HTMLResponse {
        try await pages.respond(title: "Alerts", section: .alerts) { now in
            async let active = pages.api.alerts(active: true, limit: 1000)
            async let resolved = pages.api.alerts(active: false, limit: Self.resolvedLimit)
            async let silences = pages.api.silences()
            return AlertsView.render(active: try await active, resolved: try await resolved, silences: try await silences, now: now)
        }
    }
}

/// The alerts page's content.
enum AlertsView {
    static func render(active: [APIRecords.Alert], resolved: [APIRecords.Alert], silences: [APIRecords.Silence], now: Date) -> HTML {
        """
        <h1>Alerts</h1><h2 id="active-heading">Active (\(active.count))</h2>\
        \(active.isEmpty ? Components.emptyState(id: "no-active-alerts", "No active alerts: every server is within its thresholds.") : table("active-alerts", active, resolved: false, now: now))\
        <h2 id="silences-heading">Silences (\(silences.count))</h2>\
        \(silences.isEmpty ? Components.emptyState(id: "no-silences", "No silences. <code>collector silence add</code> adds one.") : AlertMarks.silences("silences", silences, now: now))\
        <h2 id="resolved-heading">Recently resolved</h2>\
        \(resolved.isEmpty ? Components.emptyState(id: "no-resolved-alerts", "No resolved alerts yet.") : table("resolved-alerts", resolved, resolved: true, now: now))
        """
    }

    static func table(_ id: String, _ alerts: [APIRecords.Alert], resolved: Bool, now: Date) -> HTML {
        let rows = HTML.join(alerts) { alert in
            let severity = alert.severity == "critical" ? "critical" : "warning"
            return """
                <tr data-severity="\(severity)"\(alert.silenced == nil ? HTML.empty : " data-silenced=\"true\"")><th scope="row">\(Components.serverLink(alert.serverName))</th><td>\(alert.type)</td>\
                <td><span class="st s-\(severity)">\(alert.severity)</span></td><td>\(alert.message)</td>\
                <td>\(Components.time(alert.openedAt, now: now))</td>\
                \(resolved ? "<td>\(Components.time(alert.resolvedAt, now: now))</td>" as HTML : .empty)\
                <td class="notified">\(AlertMarks.notifications(alert, now: now))</td></tr>
                """
        }
        return """
            <div class="table-wrap"><table id="\(id)"><thead><tr><th scope="col">Server</th><th scope="col">Type</th>\
            <th scope="col">Severity</th><th scope="col">Message</th><th scope="col">Opened</th>\
            \(resolved ? "<th scope=\"col\">Resolved</th>" as HTML : .empty)<th scope="col">Notifications</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }
}

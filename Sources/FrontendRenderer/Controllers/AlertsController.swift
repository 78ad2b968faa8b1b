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
        let filter = try FleetFilter(PageQuery(request))
        return try await pages.respond(title: "Alerts", section: .alerts) { now in
            async let active = pages.api.alerts(active: true, limit: 1000)
            // Narrowed here, so more resolved alerts are read than shown.
            async let resolved = pages.api.alerts(active: false, limit: filter.narrows ? Self.resolvedLimit * 10 : Self.resolvedLimit)
            async let silences = pages.api.silences()
            async let servers = pages.api.servers()
            return AlertsView.render(
                active: try await active, resolved: try await resolved, silences: try await silences, servers: try await servers, filter: filter, now: now)
        }
    }
}

/// The alerts page's content.
enum AlertsView {
    /// The page; with a narrowing `filter`, only the alerts of the servers it lets through (by tag, status, name).
    static func render(
        active allActive: [APIRecords.Alert], resolved allResolved: [APIRecords.Alert], silences: [APIRecords.Silence],
        servers: [APIRecords.Server] = [], filter: FleetFilter = FleetFilter(), now: Date
    ) -> HTML {
        let kept = filter.names(servers)
        let active = kept.map { names in allActive.filter { names.contains($0.serverName) } } ?? allActive
        let resolved =
            kept.map { names in Array(allResolved.lazy.filter { names.contains($0.serverName) }.prefix(AlertsController.resolvedLimit)) } ?? allResolved
        let form = FilterForm.render(path: "/alerts", filter: filter, tags: FleetFilter.tags(of: servers))
        let current = FilterForm.current(filter: filter, shown: kept?.count ?? servers.count, total: servers.count) { change in filter.link("/alerts", change) }
        return """
            <h1>Alerts</h1>\(form)\(current)<h2 id="active-heading">Active (\(active.count))</h2>\
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

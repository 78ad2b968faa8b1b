import DashboardCore
import FoundationEssentials
import Hummingbird

/// `GET /overview`: totals, online/offline, averages, the busiest servers and active alerts.
struct OverviewController {
    let pages: PageRenderer

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/overview", use: overview)
    }

    @Sendable func overview(request: Request, context: some RequestContext) async throws -> HTMLResponse {
        try await pages.respond(title: "Overview", section: .overview) { now in
            async let overview = pages.api.overview()
            async let servers = pages.api.servers()
            return OverviewView.render(overview: try await overview, servers: try await servers, now: now)
        }
    }
}

/// The overview's content.
enum OverviewView {
    static func render(overview: Overview, servers: [APIRecords.Server], now: Date) -> HTML {
        func tile(_ id: String, _ value: String, _ label: String) -> HTML {
            "<div class=\"tile\" id=\"\(id)\"><b>\(value)</b><span>\(label)</span></div>"
        }
        let tiles: HTML = """
            <div class="tiles">\(tile("total-servers", Format.integer(overview.totalServers), "servers"))\
            \(tile("online-servers", Format.integer(overview.onlineServers), "online"))\
            \(tile("offline-servers", Format.integer(overview.offlineServers), "offline"))\
            \(tile("avg-cpu", Format.percent(overview.avgCPU), "average CPU"))\
            \(tile("avg-ram", Format.percent(overview.avgRAM), "average RAM"))\
            \(tile("avg-disk", Format.percent(overview.avgDisk), "average disk"))\
            \(tile("total-users", Format.integer(overview.totalUsers), "active users"))\
            \(tile("active-alerts", Format.integer(overview.alerts.count), "active alerts"))</div>
            """
        let online = servers.filter { $0.status != .offline }
        let tops: HTML = """
            <div class="grid2">\(top("top-cpu", "Top by CPU", online, \.cpuPercent, \.cpuStatus))\
            \(top("top-ram", "Top by RAM", online, \.ramPercent, \.ramStatus))\
            \(top("top-disk", "Top by disk", online, \.diskPercent, \.diskStatus))</div>
            """
        let alertRows = HTML.join(overview.alerts) { alert in
            "<tr><th scope=\"row\">\(Components.serverLink(alert.server))</th><td>\(alert.type)</td><td>\(alert.metric)</td><td>\(alert.message)</td></tr>"
        }
        let alerts: HTML =
            overview.alerts.isEmpty
            ? Components.emptyState(id: "no-alerts", "No active alerts.")
            : """
            <div class="table-wrap"><table id="alerts"><thead><tr><th scope="col">Server</th><th scope="col">Severity</th>\
            <th scope="col">Metric</th><th scope="col">Message</th></tr></thead><tbody>\(alertRows)</tbody></table></div>
            """
        return "<h1>Overview</h1>\(tiles)\(tops)<h2>Active alerts</h2>\(alerts)"
    }

    /// The five highest servers by one figure.
    static func top(
        _ id: String, _ title: String, _ servers: [APIRecords.Server],
        _ figure: KeyPath<APIRecords.Server, Double?>, _ status: KeyPath<APIRecords.Server, MetricStatus>
    ) -> HTML {
        let ranked = servers.filter { $0[keyPath: figure] != nil }
            .sorted { ($0[keyPath: figure] ?? 0, $1.name) > ($1[keyPath: figure] ?? 0, $0.name) }
            .prefix(5)
        let rows = HTML.join(ranked) { server in
            """
            <tr><th scope="row">\(Components.serverLink(server.name))</th><td class="n">\(Format.percent(server[keyPath: figure]))</td>\
            <td>\(Components.bar(server[keyPath: figure], status: server[keyPath: status]))</td></tr>
            """
        }
        let table: HTML =
            ranked.isEmpty
            ? "<p class=\"muted\">No figures from online servers.</p>"
            : "<table id=\"\(id)\"><caption class=\"defs\">\(title)</caption><thead><tr><th scope=\"col\">Server</th><th scope=\"col\" class=\"n\">Use</th><th scope=\"col\"><span class=\"defs\">Bar</span></th></tr></thead><tbody>\(rows)</tbody></table>"
        return "<section class=\"panel\"><h2>\(title)</h2>\(table)</section>"
    }
}

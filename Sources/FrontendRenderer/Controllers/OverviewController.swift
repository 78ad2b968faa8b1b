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
        let filter = try FleetFilter(PageQuery(request))
        return try await pages.respond(title: "Overview", section: .overview) { now in
            async let overview = pages.api.overview()
            async let servers = pages.api.servers()
            return OverviewView.render(overview: try await overview, servers: try await servers, filter: filter, now: now)
        }
    }
}

/// The overview's content.
enum OverviewView {
    /// The overview of the servers `filter` lets through: with a narrowing filter the totals and
    /// averages are those of the servers shown (from the api's server list), the active alerts theirs.
    static func render(overview fleet: Overview, servers all: [APIRecords.Server], filter: FleetFilter = FleetFilter(), now: Date) -> HTML {
        let servers = filter.apply(all)
        let overview = filter.narrows ? summary(fleet, of: servers) : fleet
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
            \(tile("total-users", Format.integer(overview.totalUsers), filter.narrows ? "active users (whole fleet)" : "active users"))\
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
        let form = FilterForm.render(path: "/overview", filter: filter, tags: FleetFilter.tags(of: all))
        let current = FilterForm.current(filter: filter, shown: servers.count, total: all.count) { change in filter.link("/overview", change) }
        return "<h1>Overview</h1>\(form)\(current)\(tiles)\(tops)<h2>Active alerts</h2>\(alerts)"
    }

    /// The fleet's overview narrowed to `servers`: their counts and averages (over those not
    /// offline), their active alerts; the active users stay the whole fleet's.
    static func summary(_ fleet: Overview, of servers: [APIRecords.Server]) -> Overview {
        let online = servers.filter { $0.status != .offline }
        func average(_ values: [Double?]) -> Double {
            let present = values.compactMap { $0 }.filter(\.isFinite)
            guard !present.isEmpty else { return 0 }
            return (present.reduce(0, +) / Double(present.count) * 100).rounded() / 100
        }
        let names = Set(servers.map(\.name))
        var narrowed = fleet
        narrowed.totalServers = servers.count
        narrowed.onlineServers = online.count
        narrowed.offlineServers = servers.count - online.count
        narrowed.avgCPU = average(online.map(\.cpuPercent))
        narrowed.avgRAM = average(online.map(\.ramPercent))
        narrowed.avgDisk = average(online.map(\.diskPercent))
        narrowed.alerts = fleet.alerts.filter { names.contains($0.server) }
        return narrowed
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

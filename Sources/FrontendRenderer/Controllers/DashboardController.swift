import DashboardCore
import FoundationEssentials
import Hummingbird

/// `GET /`: a card per server, coloured by status, with CPU, RAM and disk gauges — or, above
/// `DASHBOARD_CARD_LIMIT` servers or with `?view=compact`, the compact view; filtered by
/// `?tag=`, `?status=`, `?q=` (docs/dashboard.md).
struct DashboardController {
    let pages: PageRenderer
    /// `DASHBOARD_CARD_LIMIT`: the most servers shown as cards before the compact view opens.
    var cardLimit = FrontendSettings.defaultDashboardCardLimit

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/", use: dashboard)
    }

    @Sendable func dashboard(request: Request, context: some RequestContext) async throws -> HTMLResponse {
        let filter = try FleetFilter(PageQuery(request), dashboard: true)
        return try await pages.respond(title: "Servers", section: .dashboard) { now in
            DashboardView.render(servers: try await pages.api.servers(), filter: filter, cardLimit: cardLimit, now: now)
        }
    }
}

/// The dashboard's content.
enum DashboardView {
    /// The order statuses are counted in.
    static let statusOrder: [ServerStatus] = [.critical, .warning, .offline, .healthy]

    /// Whether the compact view shows `count` servers: asked for, or more than `cardLimit` and the cards not asked for.
    static func isCompact(_ filter: FleetFilter, count: Int, cardLimit: Int) -> Bool {
        filter.view == .compact || (filter.view == nil && count > cardLimit)
    }

    static func render(servers all: [APIRecords.Server], filter: FleetFilter = FleetFilter(), cardLimit: Int = .max, now: Date) -> HTML {
        let servers = filter.sorted(filter.apply(all))
        let compact = isCompact(filter, count: servers.count, cardLimit: cardLimit)
        var counts: [ServerStatus: Int] = [:]
        for server in servers { counts[server.status, default: 0] += 1 }
        let summary = HTML.join(statusOrder.filter { counts[$0] != nil }) { status in
            "<li class=\"s-\(status.rawValue)\" data-count=\"\(counts[status] ?? 0)\">\(counts[status] ?? 0) \(status.rawValue)</li>"
        }
        let body: HTML
        if all.isEmpty {
            body = Components.emptyState(
                id: "no-servers",
                """
                No servers yet. Add <code>SERVER1_NAME</code>, <code>SERVER1_HOST</code> … to <code>.env</code> \
                (or a <code>SERVERS_FILE</code>) and run the collector once: <code>make collect-once</code>.
                """)
        } else if servers.isEmpty {
            body = Components.emptyState(
                id: "no-match", "No server matches this filter. <a href=\"\(filter.link("/") { $0 = FleetFilter(view: $0.view) })\">Clear the filter</a>")
        } else if compact {
            body = CompactView.render(servers: servers, filter: filter, now: now)
        } else {
            var cards = HTML.empty
            for server in servers { cards.append(card(server, now: now)) }
            body = "<ul class=\"cards\" id=\"servers\">\(cards)</ul>"
        }
        let switchView: HTML =
            all.isEmpty
            ? .empty
            : compact
                ? "<a class=\"button\" id=\"view-cards\" href=\"\(filter.link("/") { $0.view = .cards })\">Card wall</a>"
                : "<a class=\"button\" id=\"view-compact\" href=\"\(filter.link("/") { $0.view = .compact })\">Compact view</a>"
        let form: HTML =
            all.isEmpty
            ? .empty
            : FilterForm.render(
                path: "/", filter: filter, tags: FleetFilter.tags(of: all),
                hidden: [("view", filter.view?.rawValue), ("sort", filter.sort == .byName ? nil : filter.sort.parameter)])
        let current = FilterForm.current(filter: filter, shown: servers.count, total: all.count) { change in filter.link("/", change) }
        return """
            <div class="toolbar"><h1>Servers</h1><ul class="counts" aria-label="Servers by status">\(summary)</ul>\
            \(switchView)<a class="button" id="refresh" href="\(filter.link("/"))">Refresh</a></div>\(form)\(current)\(body)
            """
    }

    static func card(_ server: APIRecords.Server, now: Date) -> HTML {
        let collected: HTML =
            server.collectedAt == nil
            ? "<p class=\"meta\">Never collected</p>"
            : "<p class=\"meta\">Collected \(Components.time(server.collectedAt, now: now, titled: false))</p>"
        let error: HTML = server.lastError.map { "<p class=\"err\">\($0.kind.rawValue): \($0.message)</p>" } ?? .empty
        return """
            <li class="card s-\(server.status.rawValue)" data-status="\(server.status.rawValue)" data-server="\(server.name)">\
            <h2>\(Components.serverLink(server.name))<span class="st">\(server.status.rawValue)</span></h2>\(Components.tags(server.tags))<div class="gs">\
            \(Gauge.render(label: "CPU", value: server.cpuPercent, status: server.cpuStatus))\
            \(Gauge.render(label: "RAM", value: server.ramPercent, status: server.ramStatus))\
            \(Gauge.render(label: "Disk", value: server.diskPercent, status: server.diskStatus))</div>\(collected)\(error)</li>
            """
    }
}

import DashboardCore
import FoundationEssentials
import Hummingbird

/// `GET /`: a card per server, coloured by status, with CPU, RAM and disk gauges.
struct DashboardController {
    let pages: PageRenderer

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/", use: dashboard)
    }

    @Sendable func dashboard(request: Request, context: some RequestContext) async throws -> HTMLResponse {
        try await pages.respond(title: "Servers", section: .dashboard) { now in
            DashboardView.render(servers: try await pages.api.servers(), now: now)
        }
    }
}

/// The dashboard's content.
enum DashboardView {
    /// The order statuses are counted in.
    static let statusOrder: [ServerStatus] = [.critical, .warning, .offline, .healthy]

    static func render(servers: [APIRecords.Server], now: Date) -> HTML {
        var counts: [ServerStatus: Int] = [:]
        for server in servers { counts[server.status, default: 0] += 1 }
        let summary = HTML.join(statusOrder.filter { counts[$0] != nil }) { status in
            "<li class=\"s-\(status.rawValue)\" data-count=\"\(counts[status] ?? 0)\">\(counts[status] ?? 0) \(status.rawValue)</li>"
        }
        var cards = HTML.empty
        for server in servers { cards.append(card(server, now: now)) }
        let body: HTML =
            servers.isEmpty
            ? Components.emptyState(
                id: "no-servers",
                """
                No servers yet. Add <code>SERVER1_NAME</code>, <code>SERVER1_HOST</code> … to <code>.env</code> \
                (or a <code>SERVERS_FILE</code>) and run the collector once: <code>make collect-once</code>.
                """)
            : "<ul class=\"cards\" id=\"servers\">\(cards)</ul>"
        return """
            <div class="toolbar"><h1>Servers</h1><ul class="counts" aria-label="Servers by status">\(summary)</ul>\
            <a class="button" id="refresh" href="/">Refresh</a></div>\(body)
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
            <h2>\(Components.serverLink(server.name))<span class="st">\(server.status.rawValue)</span></h2><div class="gs">\
            \(Gauge.render(label: "CPU", value: server.cpuPercent, status: server.cpuStatus))\
            \(Gauge.render(label: "RAM", value: server.ramPercent, status: server.ramStatus))\
            \(Gauge.render(label: "Disk", value: server.diskPercent, status: server.diskStatus))</div>\(collected)\(error)</li>
            """
    }
}

import DashboardCore
import FoundationEssentials

/// The dashboard's compact view (docs/dashboard.md, "Tags, filters and the compact view"):
/// the problems first, each with its reason; one small tile per server, grouped by tag;
/// then a table sortable through `?sort=` links. Opens above `DASHBOARD_CARD_LIMIT` servers
/// or with `?view=compact`.
enum CompactView {
    /// The most problems listed; the rest are one status filter away.
    static let problemLimit = 50
    /// The longest error text shown as a reason, in bytes of UTF-8.
    static let maximumReasonBytes = 160

    /// The view of `servers` (already filtered and sorted by `filter`).
    static func render(servers: [APIRecords.Server], filter: FleetFilter, now: Date) -> HTML {
        "\(problems(servers, filter: filter, now: now))\(tiles(servers, filter: filter))\(table(servers, filter: filter, now: now))"
    }

    /// Critical, then warning, then offline servers, each with why.
    static func problems(_ servers: [APIRecords.Server], filter: FleetFilter, now: Date) -> HTML {
        let failing = servers.filter { $0.status != .healthy }
            .sorted { (FleetFilter.rank($0.status), $0.name) < (FleetFilter.rank($1.status), $1.name) }
        let items = HTML.join(failing.prefix(problemLimit)) { server in
            """
            <li class="s-\(server.status.rawValue)" data-server="\(server.name)">\(mark(server.status))\
            \(Components.serverLink(server.name)) <span class="why">\(reason(server, now: now))</span></li>
            """
        }
        var more = HTML.empty
        if failing.count > problemLimit {
            let links = HTML.join([ServerStatus.critical, .warning, .offline].filter { status in failing.contains { $0.status == status } }) { status in
                " <a href=\"\(filter.link("/") { $0.status = status })\">only \(status.rawValue)</a>"
            }
            more = "<p class=\"meta\" id=\"more-problems\">and \(failing.count - problemLimit) more: show\(links)</p>"
        }
        let body: HTML =
            failing.isEmpty
            ? Components.emptyState(id: "no-problems", "No problems: every server shown is healthy.")
            : "<ul class=\"problems\" id=\"problems\">\(items)</ul>\(more)"
        return "<section aria-labelledby=\"problems-heading\"><h2 id=\"problems-heading\">Problems (\(failing.count))</h2>\(body)</section>"
    }

    /// Why a server is not healthy: its figures at warning level or above, or the last error, or
    /// since when no data came.
    static func reason(_ server: APIRecords.Server, now: Date) -> HTML {
        if server.status == .offline {
            if let error = server.lastError {
                let message = HostText.clean(error.message, maximumBytes: maximumReasonBytes).text
                return "\(error.kind.rawValue): \(message)"
            }
            guard let collected = server.collectedAt else { return "never collected" }
            return "no data since \(Components.time(collected, now: now))"
        }
        let figures: [(String, Double?, MetricStatus)] = [
            ("CPU", server.cpuPercent, server.cpuStatus), ("RAM", server.ramPercent, server.ramStatus), ("Disk", server.diskPercent, server.diskStatus),
        ]
        let high = figures.filter { $0.2 >= .warning }
        guard !high.isEmpty else { return "\(server.status.rawValue)" }
        return HTML.join(high.enumerated()) { index, figure in
            "\(index > 0 ? ", " : "")\(figure.0) \(Format.percent(figure.1)) (\(figure.2.rawValue))"
        }
    }

    /// The status as shape and word, for lists and the table.
    static func mark(_ status: ServerStatus) -> HTML {
        "<span class=\"st\"><span aria-hidden=\"true\">\(Components.statusMark(status))</span> \(status.rawValue)</span> "
    }

    /// One tile per server, grouped by tag; servers without a tag in a group of their own.
    static func tiles(_ servers: [APIRecords.Server], filter: FleetFilter) -> HTML {
        var groups: [(title: HTML, servers: [APIRecords.Server])] = []
        for tag in FleetFilter.tags(of: servers) {
            let members = servers.filter { Components.shownTags($0.tags).contains(tag) }
            let shown = HostText.clean(tag, maximumBytes: Components.maximumTagBytes).text
            groups.append(("Tag <a href=\"\(filter.link("/") { $0.tag = tag })\">\(shown)</a>", members))
        }
        let untagged = servers.filter { $0.tags.isEmpty }
        if !untagged.isEmpty { groups.append((groups.isEmpty ? "All servers (no tags)" : "Without a tag", untagged)) }
        let sections = HTML.join(groups.enumerated()) { index, group in
            let tiles = HTML.join(group.servers) { server in
                let label = "\(server.name): \(server.status.rawValue)"
                return """
                    <a class="t s-\(server.status.rawValue)" href="/servers/\(URLEncoding.component(server.name))" title="\(label)" \
                    aria-label="\(label)">\(Components.statusMark(server.status))</a>
                    """
            }
            return """
                <section class="tile-group" aria-labelledby="tg-\(index)"><h3 id="tg-\(index)">\(group.title) \
                <span class="muted">(\(group.servers.count))</span></h3><div class="mini">\(tiles)</div></section>
                """
        }
        return """
            <section aria-labelledby="tiles-heading"><h2 id="tiles-heading">Every server by tag</h2>\
            <p class="meta marks">\(mark(.healthy))\(mark(.warning))\(mark(.critical))\(mark(.offline))</p>\(sections)</section>
            """
    }

    /// The table of every server shown, sorted by `filter.sort`.
    static func table(_ servers: [APIRecords.Server], filter: FleetFilter, now: Date) -> HTML {
        let columns: [(FleetFilter.SortKey, String, Bool)] = [
            (.name, "Server", false), (.status, "Status", false), (.cpu, "CPU", true), (.ram, "RAM", true), (.disk, "Disk", true),
            (.collected, "Collected", false),
        ]
        let header = HTML.join(columns) { headerCell(filter: filter, key: $0.0, label: $0.1, numeric: $0.2) }
        var rows = HTML.empty
        for server in servers {
            rows.append(
                """
                <tr class="s-\(server.status.rawValue)"><th scope="row">\(Components.serverLink(server.name))</th><td>\(mark(server.status))</td>\
                <td class="n m-\(server.cpuStatus.rawValue)">\(Format.percent(server.cpuPercent))</td>\
                <td class="n m-\(server.ramStatus.rawValue)">\(Format.percent(server.ramPercent))</td>\
                <td class="n m-\(server.diskStatus.rawValue)">\(Format.percent(server.diskPercent))</td>\
                <td>\(Components.time(server.collectedAt, now: now, titled: false))</td></tr>
                """)
        }
        let order = filter.sort.descending ? "descending" : "ascending"
        return """
            <section aria-labelledby="table-heading" class="fleet-table"><h2 id="table-heading">Every server</h2>\
            <div class="table-wrap"><table id="fleet"><caption class="defs">Servers sorted by \(filter.sort.key.rawValue), \(order)</caption>\
            <thead><tr>\(header)</tr></thead><tbody>\(rows)</tbody></table></div></section>
            """
    }

    /// A column header linking to the table sorted by it; a second click reverses the order.
    static func headerCell(filter: FleetFilter, key: FleetFilter.SortKey, label: String, numeric: Bool) -> HTML {
        let active = filter.sort.key == key
        let next = FleetFilter.Sort(key: key, descending: active ? !filter.sort.descending : key.defaultDescending)
        let href = filter.link("/") { $0.sort = next }
        let arrow = active ? (filter.sort.descending ? " ▼" : " ▲") : ""
        let ariaSort: HTML = active ? (filter.sort.descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"") : .empty
        return """
            <th scope="col"\(ariaSort)\(numeric ? " class=\"n\"" as HTML : .empty)><a href="\(href)" data-sort="\(key.rawValue)">\(label)\(arrow)</a></th>
            """
    }
}

import DashboardCore
import FoundationEssentials

/// The users page's content.
enum UsersView {
    static func render(filter: UsersFilter, users all: [TopUserRecord], servers: [APIRecords.Server]) -> HTML {
        let kept = filter.fleet.names(servers)
        let users = kept.map { names in Array(all.lazy.filter { names.contains($0.serverName) }.prefix(UsersController.pageLimit)) } ?? all
        var tagsByServer: [String: [String]] = [:]
        for server in servers where !server.tags.isEmpty { tagsByServer[server.name] = server.tags }
        var names = servers.map(\.name)
        if let server = filter.server, !names.contains(server) { names.insert(server, at: 0) }
        let serverOptions = HTML.join(names) { name in
            name == filter.server ? "<option selected>\(name)</option>" : "<option>\(name)</option>"
        }
        let form: HTML = """
            <form class="filters" method="get" action="/users" id="users-form">\
            <label>Server<select name="server"><option value="">All servers</option>\(serverOptions)</select></label>\
            <label>User name contains<input type="search" name="q" value="\(filter.search)" maxlength="100"></label>\
            \(FilterForm.fields(filter: filter.fleet, tags: FleetFilter.tags(of: servers), search: false))\
            <input type="hidden" name="sort" value="\(filter.sort.rawValue)"><input type="hidden" name="order" value="\(filter.order.rawValue)">\
            <button type="submit" class="primary">Filter</button> <a class="button" href="/users">Clear</a></form>
            """
        let query = filter.downloadQuery
        let downloads: HTML = """
            <p class="downloads">Download: <a id="download-csv" href="/users.csv\(query.isEmpty ? "" : "?" + query)" download>CSV</a> · \
            <a id="download-xlsx" href="/users.xlsx\(query.isEmpty ? "" : "?" + query)" download>Excel (.xlsx)</a>\
            \(filter.fleet.narrows ? " (every server's rows: the downloads are not narrowed by tag or status)" as HTML : .empty)</p>
            """
        let columns: [(UsersFilter.Sort, String, Bool)] = [
            (.username, "User", false), (.server, "Server", false), (.cpu, "CPU %", true), (.mem, "Memory %", true),
            (.disk, "Home", true), (.processCount, "Processes", true),
        ]
        let header =
            HTML.join(columns) { column in
                headerCell(filter: filter, sort: column.0, label: column.1, numeric: column.2)
            } + "<th scope=\"col\">Top process</th>"
        let rows = HTML.join(users) { user in
            """
            <tr><th scope="row">\(user.username)</th><td>\(Components.serverLink(user.serverName))\
            \(Components.tags(tagsByServer[user.serverName] ?? [], path: "/users"))</td>\
            <td class="n">\(Format.number(user.cpu, decimals: 1))</td><td class="n">\(Format.number(user.mem, decimals: 1))</td>\
            <td class="n">\(Format.bytes(user.disk))</td><td class="n">\(Format.integer(user.processCount))</td>\
            <td><code>\(user.topProcess ?? Format.missing)</code></td></tr>
            """
        }
        let filtered = filter.server != nil || filter.search != nil || filter.fleet.narrows
        let table: HTML =
            users.isEmpty
            ? Components.emptyState(
                id: "no-users", filtered ? "No users match this filter." : "No user activity yet: it appears after the collector's first run.")
            : """
            <div class="table-wrap"><table id="users"><caption class="defs">Top users, sorted by \(filter.sort.rawValue) \(filter.order.rawValue == "asc" ? "ascending" : "descending")</caption>\
            <thead><tr>\(header)</tr></thead><tbody>\(rows)</tbody></table></div>\
            \(users.count >= UsersController.pageLimit ? "<p class=\"meta\">Showing the first \(UsersController.pageLimit) rows; the downloads have them all.</p>" as HTML : .empty)
            """
        let current = FilterForm.current(filter: filter.fleet, shown: users.count, total: all.count, noun: "rows") { change in
            var next = filter
            change(&next.fleet)
            return next.pageQuery.isEmpty ? "/users" : "/users?" + next.pageQuery
        }
        return "<h1>Users</h1>\(form)\(current)\(downloads)\(table)"
    }

    /// A column header that sorts by its column; a second click reverses the order.
    static func headerCell(filter: UsersFilter, sort: UsersFilter.Sort, label: String, numeric: Bool) -> HTML {
        let active = filter.sort == sort
        var next = filter
        next.sort = sort
        next.order = active ? (filter.order == .asc ? .desc : .asc) : sort.defaultOrder
        let query = next.pageQuery
        let arrow = active ? (filter.order == .asc ? " ▲" : " ▼") : ""
        let ariaSort = active ? (filter.order == .asc ? " aria-sort=\"ascending\"" : " aria-sort=\"descending\"") : ""
        return """
            <th scope="col"\(HTML(unsafeRaw: ariaSort))\(numeric ? " class=\"n\"" as HTML : .empty)>\
            <a href="/users\(query.isEmpty ? "" : "?" + query)" data-sort="\(sort.rawValue)">\(label)\(arrow)</a></th>
            """
    }
}

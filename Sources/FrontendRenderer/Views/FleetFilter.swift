import DashboardCore
import FoundationEssentials

/// The fleet filter the dashboard, overview, users and alerts pages share (docs/dashboard.md,
/// "Tags, filters and the compact view"): `tag`, `status`, `q` (a case-insensitive part of the
/// server's name) and, on the dashboard, `view` and `sort`. Read from the URL through
/// ``PageQuery`` (a bad value is a 400 page) and applied to the api's whole-fleet list.
struct FleetFilter: Sendable, Equatable {
    /// How the dashboard shows the fleet.
    enum View: String, CaseIterable, Sendable {
        case cards, compact
    }

    /// The compact table's columns.
    enum SortKey: String, CaseIterable, Sendable {
        case name, status, cpu, ram, disk, collected

        /// The direction a first click on the column sorts in: names and statuses (worst first)
        /// ascending, figures highest first, collection times oldest first.
        var defaultDescending: Bool { self == .cpu || self == .ram || self == .disk }
    }

    /// A column and its direction: `cpu` ascending, `-cpu` descending.
    struct Sort: Sendable, Equatable {
        var key: SortKey
        var descending: Bool

        /// The default order: by name, A → Z.
        static let byName = Sort(key: .name, descending: false)

        /// The `sort` parameter's value.
        var parameter: String { (descending ? "-" : "") + key.rawValue }
    }

    /// The longest tag accepted in `tag`, in characters.
    static let maximumTagLength = 255
    /// The longest name part accepted in `q`, in characters.
    static let maximumSearchLength = 100

    var tag: String?
    var status: ServerStatus?
    var search: String?
    var view: View?
    var sort: Sort = .byName

    init(tag: String? = nil, status: ServerStatus? = nil, search: String? = nil, view: View? = nil, sort: Sort = .byName) {
        self.tag = tag
        self.status = status
        self.search = search
        self.view = view
        self.sort = sort
    }

    /// Reads `tag`, `status`, `q` and — with `dashboard` — `view` and `sort`; the search
    /// parameter is read from `searchName` (the users page keeps `q` for user names).
    init(_ query: PageQuery, dashboard: Bool = false, searchName: String? = "q") throws(PageError) {
        tag = try query.text("tag", maximumLength: Self.maximumTagLength)
        status = try query.choice("status", default: ServerStatus?.none)
        if let searchName { search = try query.text(searchName, maximumLength: Self.maximumSearchLength) }
        guard dashboard else { return }
        view = try query.choice("view", default: View?.none)
        if let raw = try query.text("sort", maximumLength: 20) {
            let descending = raw.hasPrefix("-")
            guard let key = SortKey(rawValue: descending ? String(raw.dropFirst()) : raw) else {
                throw .badRequest(
                    "'sort' must be one of \(SortKey.allCases.map(\.rawValue).joined(separator: ", ")) (with a leading - for descending), "
                        + "not '\(PageQuery.quote(raw))'")
            }
            sort = Sort(key: key, descending: descending)
        }
    }

    /// Whether `tag`, `status` or `q` narrows the fleet.
    var narrows: Bool { tag != nil || status != nil || search != nil }

    /// Whether `server` passes the filter.
    func matches(_ server: APIRecords.Server) -> Bool {
        if let tag, !server.tags.contains(tag) { return false }
        if let status, server.status != status { return false }
        if let search, !server.name.lowercased().contains(search.lowercased()) { return false }
        return true
    }

    /// The servers that pass, in the api's order.
    func apply(_ servers: [APIRecords.Server]) -> [APIRecords.Server] {
        narrows ? servers.filter(matches) : servers
    }

    /// The names of the servers that pass; `nil` when nothing narrows the fleet.
    func names(_ servers: [APIRecords.Server]) -> Set<String>? {
        narrows ? Set(apply(servers).map(\.name)) : nil
    }

    /// `servers` in this filter's order; servers without the figure go last whatever the direction.
    func sorted(_ servers: [APIRecords.Server]) -> [APIRecords.Server] {
        let descending = sort.descending
        func compare<T: Comparable>(_ a: T?, _ b: T?, _ nameA: String, _ nameB: String) -> Bool {
            switch (a, b) {
            case let (a?, b?): a == b ? nameA < nameB : (descending ? a > b : a < b)
            case (.some, .none): true
            case (.none, .some): false
            case (.none, .none): nameA < nameB
            }
        }
        return servers.sorted { a, b in
            switch sort.key {
            case .name: descending ? a.name > b.name : a.name < b.name
            case .status: compare(Self.rank(a.status), Self.rank(b.status), a.name, b.name)
            case .cpu: compare(a.cpuPercent, b.cpuPercent, a.name, b.name)
            case .ram: compare(a.ramPercent, b.ramPercent, a.name, b.name)
            case .disk: compare(a.diskPercent, b.diskPercent, a.name, b.name)
            case .collected: compare(a.collectedAt, b.collectedAt, a.name, b.name)
            }
        }
    }

    /// Statuses worst first: critical, warning, offline, healthy.
    static func rank(_ status: ServerStatus) -> Int {
        switch status {
        case .critical: 0
        case .warning: 1
        case .offline: 2
        case .healthy: 3
        }
    }

    /// The query string of this filter for `path` (defaults left out), with `changes` applied first.
    func link(_ path: String, _ changes: (inout FleetFilter) -> Void = { _ in }) -> String {
        var next = self
        changes(&next)
        let query = URLEncoding.query([
            ("tag", next.tag), ("status", next.status?.rawValue), ("q", next.search), ("view", next.view?.rawValue),
            ("sort", next.sort == .byName ? nil : next.sort.parameter),
        ])
        return query.isEmpty ? path : path + "?" + query
    }

    /// Every tag of `servers`, each once, sorted.
    static func tags(of servers: [APIRecords.Server]) -> [String] {
        var seen = Set<String>()
        for server in servers { seen.formUnion(Components.shownTags(server.tags)) }
        return seen.sorted()
    }
}

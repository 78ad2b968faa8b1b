import DashboardCore
import FoundationEssentials
import Hummingbird

/// `GET /history?server=&range=1h|6h|12h|24h|7d|30d` or `&from=&to=`: the history charts the
/// metric catalogue describes (CPU, RAM, disk, network, CPU time, disk I/O) of one server over a
/// window, with its anomalies marked (docs/anomalies.md).
struct HistoryController {
    let pages: PageRenderer

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/history", use: history)
    }

    /// The preset windows.
    enum Range: String, CaseIterable, Sendable {
        case h1 = "1h", h6 = "6h", h12 = "12h", h24 = "24h", d7 = "7d", d30 = "30d"

        var seconds: TimeInterval {
            switch self {
            case .h1: 3600
            case .h6: 6 * 3600
            case .h12: 12 * 3600
            case .h24: 86_400
            case .d7: 7 * 86_400
            case .d30: 30 * 86_400
            }
        }

        var label: String {
            switch self {
            case .h1: "1 hour"
            case .h6: "6 hours"
            case .h12: "12 hours"
            case .h24: "24 hours"
            case .d7: "7 days"
            case .d30: "30 days"
            }
        }
    }

    /// A validated request: which server and which window.
    struct Selection: Sendable {
        var server: String?
        /// The preset, `nil` for a custom `from`/`to` window.
        var range: Range?
        var from: Date
        var to: Date

        /// The longest custom window (the api's own limit).
        static let maximumSpan: TimeInterval = 400 * 86_400

        init(_ query: PageQuery, now: Date) throws(PageError) {
            server = try query.text("server")
            let rawFrom = try query.text("from", maximumLength: 40)
            let rawTo = try query.text("to", maximumLength: 40)
            if rawFrom == nil, rawTo == nil {
                let range = try query.choice("range", default: Range.h24) ?? .h24
                self.range = range
                to = now
                from = now.addingTimeInterval(-range.seconds)
                return
            }
            func parse(_ name: String, _ raw: String?) throws(PageError) -> Date? {
                guard let raw else { return nil }
                guard let date = Timestamp.parse(raw) else {
                    throw .badRequest("'\(name)' must be a UTC date and time such as 2026-01-31T12:00, not '\(PageQuery.quote(raw))'")
                }
                return date
            }
            let to = try parse("to", rawTo) ?? now
            let from = try parse("from", rawFrom) ?? to.addingTimeInterval(-86_400)
            guard from < to else { throw .badRequest("'from' must be earlier than 'to'") }
            guard to.timeIntervalSince(from) <= Self.maximumSpan else { throw .badRequest("a custom window may span at most 400 days") }
            range = nil
            self.from = from
            self.to = to
        }
    }

    @Sendable func history(request: Request, context: some RequestContext) async throws -> HTMLResponse {
        let query = try PageQuery(request)
        let now = Date()
        let selection = try Selection(query, now: now)
        // A preset window ends now and moves with each collection; a custom one is fixed.
        return try await pages.respond(title: "History", section: .history, live: selection.range != nil) { now in
            let servers = try await pages.api.servers()
            guard let name = selection.server ?? servers.first?.name else {
                return HistoryView.render(selection: selection, servers: servers, history: nil, joinWithin: 0)
            }
            async let history = pages.api.history(server: name, from: selection.from, to: selection.to)
            async let anomalies = pages.api.anomalies(server: name, from: selection.from, to: selection.to)
            return HistoryView.render(
                selection: selection, servers: servers, history: try await history, anomalies: try await anomalies, joinWithin: 2 * pages.collectionInterval)
        }
    }
}

/// The history page's content.
enum HistoryView {
    static func render(
        selection: HistoryController.Selection, servers: [APIRecords.Server], history: APIRecords.History?, anomalies: [APIRecords.Anomaly] = [],
        joinWithin: Double
    ) -> HTML {
        let current = history?.serverName ?? selection.server
        var names = servers.map(\.name)
        if let current, !names.contains(current) { names.insert(current, at: 0) }
        let options = HTML.join(names) { name in
            name == current ? "<option selected>\(name)</option>" : "<option>\(name)</option>"
        }
        let rangeOptions = HTML.join(HistoryController.Range.allCases) { range in
            range == selection.range
                ? "<option value=\"\(range.rawValue)\" selected>\(range.label)</option>"
                : "<option value=\"\(range.rawValue)\">\(range.label)</option>"
        }
        let custom = selection.range == nil
        let form: HTML = """
            <form class="filters" method="get" action="/history" id="history-form">\
            <label>Server<select name="server">\(options)</select></label>\
            <label>Range<select name="range">\(rangeOptions)</select></label>\
            <label>From (UTC)<input type="datetime-local" name="from" value="\(custom ? inputValue(selection.from) : "")"></label>\
            <label>To (UTC)<input type="datetime-local" name="to" value="\(custom ? inputValue(selection.to) : "")"></label>\
            <button type="submit" class="primary">Show</button></form>
            """
        let links = HTML.join(HistoryController.Range.allCases) { range in
            let href = "/history?" + URLEncoding.query([("server", current), ("range", range.rawValue)])
            return range == selection.range
                ? "<li><a href=\"\(href)\" aria-current=\"true\">\(range.rawValue)</a></li>"
                : "<li><a href=\"\(href)\">\(range.rawValue)</a></li>"
        }
        let heading: HTML = current.map { "<h1>History of \(Components.serverLink($0))</h1>" } ?? "<h1>History</h1>"
        guard let history else {
            return heading + form + Components.emptyState(id: "no-servers", "No servers yet: there is no history to show.")
        }
        let window = "\(Format.utc(history.from)) – \(Format.utc(history.to))"
        let charts = charts(history, marks: AnomalyMarks.chartMarks(anomalies), joinWithin: joinWithin)
        return """
            \(heading)\(form)<ul class="ranges" aria-label="Quick ranges">\(links)</ul>\
            <p class="meta">\(window), one point per \(Format.duration(Double(history.stepSeconds))) · \
            \(Format.integer(history.buckets.count)) of \(Format.integer(Int(history.to.timeIntervalSince(history.from)) / max(1, history.stepSeconds))) intervals have samples · \
            times in UTC; hover a point for its value</p>\
            \(history.buckets.isEmpty ? Components.emptyState(id: "no-samples", "No samples in this window. A server that was never collected has no history yet.") : .empty)\
            \(exports(server: history.serverName, from: history.from, to: history.to))\
            \(AnomalyMarks.historyNote(anomalies))<div class="charts">\(charts)</div>
            """
    }

    /// Links to the api's CSV and XLSX exports of `server`'s history over the window (docs/api.md),
    /// same origin through nginx's `/api/`; the page script toasts when one starts.
    static func exports(server: String, from: Date, to: Date, label: String = "Export this window") -> HTML {
        let path = "/api/servers/" + URLEncoding.component(server) + "/metrics/history"
        let query = "?" + URLEncoding.query([("from", Timestamp.format(from)), ("to", Timestamp.format(to))])
        return """
            <p class="exports" id="exports">\(label): \
            <a class="button" href="\(path + ".csv" + query)" download data-export="CSV">CSV</a> \
            <a class="button" href="\(path + ".xlsx" + query)" download data-export="Excel">Excel (.xlsx)</a></p>
            """
    }

    /// One chart per catalogue chart, each line a figure's averages (and its peaks where the
    /// catalogue asks for them), every chart with the same `marks`; see docs/adding-a-metric.md.
    static func charts(_ history: APIRecords.History, marks: [LineChart.Mark] = [], joinWithin: Double) -> HTML {
        let buckets = history.buckets
        return HTML.join(MetricCatalogue.charts) { entry in
            let (chart, figures) = entry
            var lines: [LineChart.Series] = []
            for figure in figures {
                guard let line = figure.chart else { continue }
                let id = figure.id
                lines.append(LineChart.Series(name: line.series, style: line.style, points: buckets.map { ($0.start, $0[id].avg) }))
                if line.showsPeak {
                    lines.append(LineChart.Series(name: "peak", style: line.style + " dash", points: buckets.map { ($0.start, $0[id].max) }))
                }
            }
            let scale: LineChart.Scale =
                switch chart.scale {
                case .percent: .percent
                case .celsius: .celsius
                case .bytesPerSecond: .bytesPerSecond
                }
            return LineChart(
                id: chart.id, title: chart.title, scale: scale, from: history.from, to: history.to, step: history.stepSeconds, joinWithin: joinWithin,
                series: lines, marks: marks
            ).render()
        }
    }

    /// `2026-01-31T12:00` for a `datetime-local` input (UTC).
    static func inputValue(_ date: Date) -> String {
        String(Timestamp.format(date).prefix(16))
    }
}

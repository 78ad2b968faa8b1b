import DashboardCore
import FoundationEssentials

/// What the pages show of anomaly flags (docs/anomalies.md): a mark per anomaly on the
/// history charts with its score and reason on hover, and the server page's count and
/// latest anomalies.
enum AnomalyMarks {
    /// The most anomalies marked on one page's charts; beyond it, the highest scores are marked.
    static let chartLimit = 200
    /// The anomalies listed on the server page, newest first.
    static let serverListed = 5
    /// The window the server page counts anomalies over (the api's default window).
    static let serverWindow: TimeInterval = 86_400

    /// `0.82`: a score with two decimals.
    static func score(_ value: Double) -> String {
        Format.fixed(value, decimals: 2)
    }

    /// A figure's value in its catalogue unit; a key the catalogue does not know as a plain number.
    static func value(_ value: Double, figure: String) -> String {
        guard let descriptor = MetricCatalogue.descriptor(MetricID(figure)) else { return Format.number(value) }
        return Format.figure(value, unit: descriptor.unit)
    }

    /// `cpu_percent 97 % (typical 31 %)`, plain text (escaped where it is inserted).
    static func reasonText(_ reason: AnomalyReason) -> String {
        "\(reason.figure) \(value(reason.value, figure: reason.figure)) (typical \(value(reason.typical, figure: reason.figure)))"
    }

    /// The hover text of a mark: `anomaly score 0.82 at 2026-01-31 12:00 UTC: cpu_percent 97 % (typical 31 %), …`.
    static func describe(_ anomaly: APIRecords.Anomaly) -> String {
        let reasons = anomaly.reason.isEmpty ? "no single figure stood out" : anomaly.reason.map(reasonText).joined(separator: ", ")
        return "anomaly score \(score(anomaly.score)) at \(Format.utc(anomaly.collectedAt)): \(reasons)"
    }

    /// The marks of `anomalies` for the charts, oldest first: at most ``chartLimit``, the highest scores when there are more.
    static func chartMarks(_ anomalies: [APIRecords.Anomaly]) -> [LineChart.Mark] {
        var shown = anomalies
        if shown.count > chartLimit {
            shown = Array(shown.sorted { $0.score > $1.score }.prefix(chartLimit)).sorted { $0.collectedAt < $1.collectedAt }
        }
        return shown.map { LineChart.Mark(time: $0.collectedAt, title: describe($0)) }
    }

    /// The history page's line about the marks; nothing when there are no anomalies.
    static func historyNote(_ anomalies: [APIRecords.Anomaly]) -> HTML {
        guard !anomalies.isEmpty else { return .empty }
        let count = anomalies.count == 1 ? "1 anomaly" : "\(Format.integer(anomalies.count)) anomalies"
        let limited = anomalies.count > chartLimit ? " (the \(chartLimit) highest scores are marked)" : ""
        return """
            <p class="meta" id="anomaly-note"><i class="key am"></i>\(count) in this window\(limited): the marks on the charts; \
            hover one for its score and the figures furthest from this server's typical values</p>
            """
    }

    /// The server page's section: how many anomalies the last 24 hours had and the latest few with their reasons.
    static func serverSection(_ anomalies: [APIRecords.Anomaly], server: String, now: Date) -> HTML {
        let history = "/history?" + URLEncoding.query([("server", server), ("range", "24h")])
        guard !anomalies.isEmpty else {
            return """
                <h2 id="server-anomalies-heading">Anomalies</h2>\
                \(Components.emptyState(id: "no-anomalies", "No anomalies in the last 24 hours."))
                """
        }
        let count = anomalies.count == 1 ? "1 anomaly" : "\(Format.integer(anomalies.count)) anomalies"
        let rows = HTML.join(anomalies.suffix(serverListed).reversed()) { anomaly in
            let around =
                "/history?"
                + URLEncoding.query([
                    ("server", server), ("from", HistoryView.inputValue(anomaly.collectedAt.addingTimeInterval(-3 * 3600))),
                    ("to", HistoryView.inputValue(anomaly.collectedAt.addingTimeInterval(3 * 3600))),
                ])
            return """
                <tr><th scope="row"><a href="\(around)">\(Components.time(anomaly.collectedAt, now: now))</a></th>\
                <td class="n">\(score(anomaly.score))</td><td>\(reasons(anomaly.reason))</td></tr>
                """
        }
        return """
            <h2 id="server-anomalies-heading">Anomalies</h2>\
            <p class="meta" id="anomaly-count"><b>\(count)</b> in the last 24 hours · <a href="\(history)">see them on the charts</a></p>\
            <div class="table-wrap"><table id="server-anomalies"><thead><tr><th scope="col">When</th><th scope="col" class="n">Score</th>\
            <th scope="col">Figures furthest from typical</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    /// A reason as a list: each figure's label, value and typical value.
    static func reasons(_ reasons: [AnomalyReason]) -> HTML {
        guard !reasons.isEmpty else { return "<span class=\"muted\">no single figure stood out</span>" }
        return HTML.join(reasons.enumerated()) { index, reason in
            let label = MetricCatalogue.descriptor(MetricID(reason.figure))?.label ?? reason.figure
            let separator: HTML = index > 0 ? "; " : .empty
            return """
                \(separator)<span title="\(reason.figure)">\(label)</span> <b>\(value(reason.value, figure: reason.figure))</b> \
                (typical \(value(reason.typical, figure: reason.figure)))
                """
        }
    }
}

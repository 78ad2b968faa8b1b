import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// Anomaly flags on the pages (docs/anomalies.md): a mark per anomaly on every history chart
/// with its score and reason on hover, the count and latest anomalies on the server page,
/// and nothing new where there are none.
@Suite(.tags(.postgres, .builtProducts)) struct AnomalyPageTests {
    /// ``SeededFleet`` with ``SeededAnomalies``' scores on web-01.
    static func seed(_ test: TestDatabase) async throws {
        try await SeededFleet.seed(test)
        try await SeededAnomalies.seed(test.database)
    }

    /// The markup of the chart `id`, up to its `</svg>`.
    static func chart(_ id: String, in page: Page) throws -> String {
        try #require(page.body.components(separatedBy: "id=\"\(id)\" viewBox").dropFirst().first?.components(separatedBy: "</svg>").first)
    }

    @Test func everyHistoryChartMarksEachAnomalyWithItsScoreAndReasonOnHover() async throws {
        try await RendererHarness.run(seed: Self.seed) { _, client in
            let page = try await client.page("/history?server=web-01&range=6h")
            #expect(page.status == .ok)
            // Three anomalies (0.82, 0.66, 0.71) on each of the seven charts; 0.41 and 0.5 are below the threshold.
            #expect(page.count("<g class=\"anom\">") == 3 * 7)
            for id in ["chart-cpu", "chart-ram", "chart-disk", "chart-net", "chart-cpu-time", "chart-disk-io", "chart-temperature"] {
                let chart = try Self.chart(id, in: page)
                #expect(chart.components(separatedBy: "<g class=\"anom\">").count - 1 == 3, "\(id)")
                #expect(chart.contains(", 3 anomalies marked, "), "\(id)")
            }
            let cpu = try Self.chart("chart-cpu", in: page)
            #expect(
                cpu.contains(
                    ": cpu_percent 97 % (typical 31 %), tcp_connections 420 (typical 42), net_rx_bytes_per_second 1.2 MiB/s (typical 1000 B/s)</title>"))
            #expect(cpu.contains("<title>anomaly score 0.82 at "))
            #expect(cpu.contains("<title>anomaly score 0.66 at ") && cpu.contains(": no single figure stood out</title>"))
            #expect(cpu.contains(": ram_percent 93.4 % (typical 40 %)</title>"))
            #expect(!page.body.contains("anomaly score 0.41") && !page.body.contains("anomaly score 0.50"))
            // Marks in time order, inside the plot, with their line and triangle.
            let positions = cpu.components(separatedBy: "<line class=\"am\" x1=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
            #expect(positions.count == 3 && positions == positions.sorted())
            #expect(positions.allSatisfy { $0 >= LineChart.left && $0 <= LineChart.width - LineChart.right })
            #expect(cpu.components(separatedBy: "<path class=\"amk\"").count - 1 == 3)
            #expect(page.body.contains("<li><i class=\"key am\"></i>anomaly</li>"))
            #expect(page.body.contains("id=\"anomaly-note\""))
            #expect(page.body.contains("3 anomalies in this window"))
            // A window before them marks none.
            let before = try await client.page("/history?server=web-01&from=2020-01-01T00:00&to=2020-01-02T00:00")
            #expect(before.status == .ok)
            #expect(!before.body.contains("class=\"anom\"") && !before.body.contains("anomaly-note"))
        }
    }

    @Test func theServerPageCountsTheLast24HoursAndListsTheLatestWithReasons() async throws {
        try await RendererHarness.run(seed: Self.seed) { _, client in
            let page = try await client.page("/servers/web-01")
            #expect(page.status == .ok)
            #expect(page.body.contains("<h2 id=\"server-anomalies-heading\">Anomalies</h2>"))
            #expect(page.body.contains("<p class=\"meta\" id=\"anomaly-count\"><b>3 anomalies</b> in the last 24 hours"))
            #expect(page.body.contains("<a href=\"/history?server=web-01&amp;range=24h\">see them on the charts</a>"))
            let rows = page.rows(ofTable: "server-anomalies")
            // Newest first.
            #expect(rows.map { $0[1] } == ["0.71", "0.66", "0.82"])
            #expect(rows.first?[2] == "Memory used 93.4 % (typical 40 %)")
            #expect(rows[1][2] == "no single figure stood out")
            #expect(rows[2][2].hasPrefix("CPU 97 % (typical 31 %); TCP connections 420 (typical 42); "))
            #expect(!page.body.contains("id=\"no-anomalies\""))
            // Each links to the history around it.
            #expect(page.count("<th scope=\"row\"><a href=\"/history?server=web-01&amp;from=") == 3)

            // A server without anomalies says so, and its history page is as before.
            let quiet = try await client.page("/servers/cache-02")
            #expect(quiet.status == .ok)
            #expect(quiet.body.contains("<div class=\"empty-state\" id=\"no-anomalies\">No anomalies in the last 24 hours.</div>"))
            #expect(!quiet.body.contains("server-anomalies\""))
            let history = try await client.page("/history?server=cache-02&range=6h")
            #expect(history.status == .ok)
            #expect(!history.body.contains("anom") && !history.body.contains(">anomaly<"))
        }
    }

    @Test func hostileFiguresAndServerNamesStayText() async throws {
        let hostile = "<script>alert(1)</script>"
        let breakout = "\"><img src=x onerror=alert(2)>"
        try await RendererHarness.run(seed: { test in
            try await SeededFleet.seed(test)
            let reason = [
                AnomalyReason(figure: hostile, value: 1, typical: 2), AnomalyReason(figure: breakout, value: 3, typical: 4),
                AnomalyReason(figure: "cpu_percent", value: 95, typical: 12),
            ]
            try await SeededAnomalies.seed(test.database, server: SeededFleet.critical, scores: [SeededAnomalies.Score(sample: 0, score: 0.99, reason: reason)])
        }) { _, client in
            let name = SeededFleet.critical.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            for uri in ["/history?server=\(name)&range=6h", "/servers/\(name)"] {
                let page = try await client.page(uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.body.contains("0.99"), "\(uri)")
                #expect(!page.body.contains("<script>alert") && !page.body.contains("<img src=x"), "\(uri)")
                #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(uri)")
                #expect(page.body.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), "\(uri)")
            }
            let history = try await client.page("/history?server=\(name)&range=6h")
            let escaped = ": &lt;script&gt;alert(1)&lt;/script&gt; 1 (typical 2), &quot;&gt;&lt;img src=x onerror=alert(2)&gt; 3 (typical 4), "
            #expect(history.body.contains(escaped))
            // The server page links to its history with the name percent-encoded.
            let server = try await client.page("/servers/\(name)")
            #expect(server.body.contains("href=\"/history?server=db%2001%20%C3%BC"))
            #expect(server.body.contains("<span title=\"&lt;script&gt;alert(1)&lt;/script&gt;\">&lt;script&gt;alert(1)&lt;/script&gt;</span>"))
        }
    }
}

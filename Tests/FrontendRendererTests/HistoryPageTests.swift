import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// The history page: charts from the api's buckets, gaps, ranges and bad parameters.
@Suite(.tags(.postgres, .builtProducts)) struct HistoryPageTests {
    @Test func historyDrawsTheCataloguesChartsWithAxesAndHoverValues() async throws {
        try await RendererHarness.run { _, client in
            let page = try await client.page("/history?server=web-01&range=6h")
            #expect(page.status == .ok)
            #expect(page.count("<svg class=\"chart\"") == 7)
            for id in ["chart-cpu", "chart-ram", "chart-disk", "chart-net", "chart-cpu-time", "chart-disk-io", "chart-temperature"] {
                #expect(page.body.contains("<svg class=\"chart\" id=\"\(id)\""))
            }
            // The figures added through the catalogue are drawn with their values.
            let split = try #require(page.body.components(separatedBy: "id=\"chart-cpu-time\"").dropFirst().first?.components(separatedBy: "</svg>").first)
            #expect(split.contains(" · steal 0.4 %</title>") && split.contains(" · I/O wait 1.5 %</title>"))
            let diskIO = try #require(page.body.components(separatedBy: "id=\"chart-disk-io\"").dropFirst().first?.components(separatedBy: "</svg>").first)
            #expect(diskIO.contains(" · read 1 MiB/s</title>") && diskIO.contains(" · written 256 KiB/s</title>"))
            // Value ticks 0…100 % and UTC time ticks.
            #expect(page.body.contains(">100 %</text>") && page.body.contains(">0 %</text>"))
            #expect(page.body.contains("class=\"xl\""))
            // Five samples 15 minutes apart are one line, each with its value on hover.
            let cpuChart = try #require(page.body.components(separatedBy: "id=\"chart-cpu\"").dropFirst().first?.components(separatedBy: "</svg>").first)
            let line = try #require(cpuChart.components(separatedBy: "<path class=\"ln s1\" d=\"").dropFirst().first?.components(separatedBy: "\"").first)
            #expect(line.filter { $0 == "M" }.count == 1 && line.filter { $0 == "L" }.count == 4)
            #expect(cpuChart.contains(" · average 14 %</title>"))
            #expect(cpuChart.contains(" · average 10 %</title>"))
            // Network rates from the counters: 900,000 bytes in 900 s = 1000 B/s received.
            #expect(page.body.contains(" · received 1000 B/s</title>"))
            #expect(page.body.contains("<option selected>web-01</option>"))
            #expect(page.body.contains("<a href=\"/history?server=web-01&amp;range=6h\" aria-current=\"true\">6h</a>"))
        }
    }

    @Test func aGapInTheSamplesIsAGapInTheLine() async throws {
        try await RendererHarness.run(seed: { test in
            let ids = try await test.addServers(1, prefix: "gappy")
            let id = try #require(ids["gappy-000"])
            let now = Date()
            // Two runs of three samples 15 minutes apart, four hours of silence between them.
            for offset in [-6.0, -5.75, -5.5, -1.5, -1.25, -1.0] {
                try await test.database.samples.store(makeSample(at: now.addingTimeInterval(offset * 3600), cpu: 30), serverID: id)
            }
        }) { _, client in
            let page = try await client.page("/history?server=gappy-000&range=12h")
            #expect(page.status == .ok)
            let cpuChart = try #require(page.body.components(separatedBy: "id=\"chart-cpu\"").dropFirst().first?.components(separatedBy: "</svg>").first)
            let line = try #require(cpuChart.components(separatedBy: "<path class=\"ln s1\" d=\"").dropFirst().first?.components(separatedBy: "\"").first)
            #expect(line.filter { $0 == "M" }.count == 2)
            #expect(line.filter { $0 == "L" }.count == 4)
        }
    }

    @Test func customWindowNeverCollectedServerAndNoServer() async throws {
        try await RendererHarness.run { _, client in
            let now = Date()
            let from = HistoryView.inputValue(now.addingTimeInterval(-7200))
            let to = HistoryView.inputValue(now.addingTimeInterval(60))
            let custom = try await client.page("/history?server=web-01&from=\(from)&to=\(to)")
            #expect(custom.status == .ok)
            #expect(custom.body.contains("name=\"from\" value=\"\(from)\""))
            #expect(!custom.body.contains("aria-current=\"true\""))

            let never = try await client.page("/history?server=new-box")
            #expect(never.status == .ok)
            #expect(never.body.contains("id=\"no-samples\""))
            #expect(never.body.contains("No samples in this range"))

            let unknown = try await client.page("/history?server=ghost")
            #expect(unknown.status == .notFound)
        }
    }

    @Test func badParametersAnswer400BeforeAskingTheApi() async throws {
        // No api at all: validation must answer before any request is made.
        let app = try RendererHarness.renderer(apiURL: "http://127.0.0.1:\(try unusedPort())")
        try await app.test(.router) { client in
            for (uri, message) in [
                ("/history?range=2y", "&#39;range&#39; must be one of 1h, 6h, 12h, 24h, 7d, 30d, not &#39;2y&#39;"),
                ("/history?from=yesterday", "&#39;from&#39; must be a UTC date and time"),
                ("/history?from=2026-02-01T00:00&to=2026-01-01T00:00", "&#39;from&#39; must be earlier than &#39;to&#39;"),
                ("/history?from=2020-01-01T00:00&to=2026-01-01T00:00", "at most 400 days"),
                ("/users?order=sideways", "&#39;order&#39; must be one of asc, desc"),
                ("/users?q=%ZZ", "not valid percent-encoding"),
                ("/users.csv?sort=nope", "&#39;sort&#39; must be one of"),
            ] {
                let page = try await client.page(uri)
                #expect(page.status == .badRequest, "\(uri)")
                #expect(page.body.contains("<h1>Bad request</h1>"), "\(uri)")
                #expect(page.body.contains(message), "\(uri): \(page.body)")
            }
        }
    }
}

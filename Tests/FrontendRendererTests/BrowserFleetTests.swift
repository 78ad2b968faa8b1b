import DashboardCore
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// The fleet scripts/browser-test.sh shows in Chromium, checked as the renderer draws it.
///
/// With `SD_BROWSER_FLEET_FILE` set, the test also writes the URL of the database it
/// seeded into that file, so the browser test serves the very fleet checked here.
@Suite(.tags(.postgres, .builtProducts)) struct BrowserFleetTests {
    @Test func browserFleetHasEveryStatusHistoryWithAGapAndAlerts() async throws {
        try await RendererHarness.run(seed: { try await BrowserFleet.seed($0) }) { harness, client in
            let dashboard = try await client.page("/")
            #expect(dashboard.count("class=\"card ") == SeededFleet.names.count + BrowserFleet.extra.count)
            for status in ServerStatus.allCases {
                #expect(dashboard.body.contains("data-status=\"\(status.rawValue)\""), "no \(status.rawValue) server")
            }
            let history = try await client.page("/history?server=\(BrowserFleet.history)&range=6h")
            #expect(history.status == .ok)
            #expect(history.count("<figure class=\"chart-box\"") == MetricCatalogue.charts.count)
            // Two runs of samples either side of the gap: the CPU line is two pieces.
            let cpuChart = try #require(history.body.components(separatedBy: "id=\"chart-cpu\"").dropFirst().first?.components(separatedBy: "</svg>").first)
            let line = try #require(cpuChart.components(separatedBy: "<path class=\"ln s1\" d=\"").dropFirst().first?.components(separatedBy: "\"").first)
            #expect(line.filter { $0 == "M" }.count == 2)
            let alerts = try await client.page("/alerts")
            #expect(alerts.body.contains("batch-07"))
            let users = try await client.page("/users")
            #expect(users.body.contains(HTML.escaped(SeededFleet.hostileUser)))
            #expect(!users.body.contains(SeededFleet.hostileUser))

            if let file = ProcessInfo.processInfo.environment["SD_BROWSER_FLEET_FILE"], !file.isEmpty {
                try Data((harness.test.url + "\n").utf8).write(to: URL(fileURLWithPath: file))
            }
        }
    }
}

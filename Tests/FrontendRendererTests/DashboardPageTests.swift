import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// The dashboard and overview, rendered from a real api over a seeded fleet.
@Suite(.tags(.postgres, .builtProducts)) struct DashboardPageTests {
    @Test func dashboardShowsACardPerServerColouredByStatusWithGauges() async throws {
        try await RendererHarness.run { _, client in
            let page = try await client.page("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.count("class=\"card ") == 6)
            let expected: [(String, String)] = [
                (SeededFleet.healthy, "healthy"), (SeededFleet.warning, "warning"), (SeededFleet.critical, "critical"),
                (SeededFleet.stale, "offline"), (SeededFleet.failing, "offline"), (SeededFleet.neverCollected, "offline"),
            ]
            for (name, status) in expected {
                let card = try #require(page.card(name), "no card for \(name)")
                #expect(card.hasPrefix("<li class=\"card s-\(status)\" data-status=\"\(status)\""), "\(name) should be \(status)")
                #expect(card.contains(">\(HTML.escaped(name))</a>"))
                #expect(card.components(separatedBy: "role=\"img\" aria-label=\"").count - 1 == 3)
            }
            // web-01's latest sample: CPU 14 %, RAM 12 of 16 GB = 75 %, disk 40 %, all normal.
            let web = try #require(page.card(SeededFleet.healthy))
            #expect(web.contains("<span class=\"g m-normal c p14\" role=\"img\" aria-label=\"CPU 14 % (normal)\">14 %</span>"))
            #expect(web.contains("aria-label=\"RAM 75 % (normal)\""))
            #expect(web.contains("aria-label=\"Disk 40 % (normal)\""))
            #expect(web.contains(" d p40\""))
            #expect(web.contains("Collected <time"))
            // The warning comes from RAM at 85 %, the critical from CPU at 95 %.
            #expect(
                try #require(page.card(SeededFleet.warning)).contains(
                    "<span class=\"g m-warning r p85\" role=\"img\" aria-label=\"RAM 85 % (warning)\">85 %</span>"))
            #expect(try #require(page.card(SeededFleet.critical)).contains("aria-label=\"CPU 95 % (critical)\""))
            // A server never collected, and one whose last attempt failed.
            let never = try #require(page.card(SeededFleet.neverCollected))
            #expect(never.contains("Never collected") && never.contains("aria-label=\"CPU – (") && never.contains(">–</span>"))
            #expect(try #require(page.card(SeededFleet.failing)).contains("auth: authentication failed for user probe"))
            // Counts by status, and a refresh that needs no script.
            #expect(page.body.contains("data-count=\"3\">3 offline</li>"))
            #expect(page.body.contains("<a class=\"button\" id=\"refresh\" href=\"/\">Refresh</a>"))
            #expect(page.body.contains("<body data-refresh=\"30\" data-events=\"/api/events\" data-live=\"on\">"))
        }
    }

    @Test func headAnswersWithTheHeadersOfGetAndNoBody() async throws {
        try await RendererHarness.run { _, client in
            for uri in ["/", "/overview", "/static/app.css"] {
                let get = try await client.page(uri)
                let head = try await client.execute(uri: uri, method: .head) { $0 }
                #expect(head.status == get.status, "\(uri)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(uri)")
                #expect(head.headers[.contentSecurityPolicy] == get.headers[.contentSecurityPolicy], "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
            }
        }
    }

    @Test func dashboardWithNoServersSaysWhatToDo() async throws {
        try await RendererHarness.run(seed: { _ in }) { _, client in
            let page = try await client.page("/")
            #expect(page.status == .ok)
            #expect(page.body.contains("id=\"no-servers\""))
            #expect(page.body.contains("make collect-once"))
            #expect(page.count("class=\"card ") == 0)
        }
    }

    @Test func overviewShowsTotalsAveragesTopServersAndActiveAlerts() async throws {
        try await RendererHarness.run { _, client in
            let page = try await client.page("/overview")
            #expect(page.status == .ok)
            #expect(page.body.contains("<div class=\"tile\" id=\"total-servers\"><b>6</b>"))
            #expect(page.body.contains("<div class=\"tile\" id=\"online-servers\"><b>3</b>"))
            #expect(page.body.contains("<div class=\"tile\" id=\"offline-servers\"><b>3</b>"))
            // Online servers' CPU: 14, 20 and 95 → 43 %.
            #expect(page.body.contains("<div class=\"tile\" id=\"avg-cpu\"><b>43 %</b>"))
            let cpu = page.rows(ofTable: "top-cpu")
            #expect(cpu.map(\.first) == [HTML.escaped(SeededFleet.critical), SeededFleet.warning, SeededFleet.healthy].map { Optional($0) })
            #expect(cpu.first?[1] == "95 %")
            let alerts = page.rows(ofTable: "alerts")
            // Severity, then what the alert is about.
            #expect(alerts.contains { $0.first == HTML.escaped(SeededFleet.critical) && $0[1] == "critical" && $0[2] == "cpu" })
            #expect(alerts.contains { $0.first == SeededFleet.warning && $0[1] == "warning" && $0[2] == "ram" })
            #expect(alerts.contains { $0.first == SeededFleet.failing && $0[1] == "critical" && $0[2] == "offline" })
        }
    }
}

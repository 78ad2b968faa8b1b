import DashboardCore
import DashboardStorage
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// The alerts page and the server page show silences and, per alert, each channel's
/// delivery (docs/notifications.md), from a real api over rows the collector would write.
@Suite(.tags(.postgres, .builtProducts)) struct AlertingPageTests {
    @Test func alertsPageShowsSilencesAndEachChannelsDelivery() async throws {
        try await RendererHarness.run(seed: { test in
            let now = Date()
            try await SeededFleet.seed(test.database, now: now)
            try await SeededAlerting.seed(test.database, now: now)
        }) { _, client in
            let page = try await client.page("/alerts")
            #expect(page.status == .ok)
            let active = page.rows(ofTable: "active-alerts")
            let critical = try #require(active.first { $0[0] == HTML.escaped(SeededFleet.critical) && $0[1] == "cpu" })
            let notified = try #require(critical.last)
            // Silenced, with the reason (escaped) and the end.
            #expect(notified.contains("silenced \(HTML.escaped(SeededAlerting.silenceReason)) until "), "\(notified)")
            #expect(notified.contains(" UTC"))
            // Each channel's state: delivered with its time, pending with attempts and last error, failed with its error.
            #expect(notified.contains("opened \(SeededAlerting.webhook): delivered "), "\(notified)")
            #expect(notified.contains("opened \(SeededAlerting.ntfy): pending (2 attempts) last error: timed out after 10 s"), "\(notified)")
            #expect(notified.contains("opened \(SeededAlerting.slack): failed: \(HTML.escaped(SeededAlerting.hostileError))"), "\(notified)")
            #expect(page.body.contains("<li class=\"d-failed\">") && page.body.contains("<li class=\"d-delivered\">"))
            #expect(page.body.contains("data-silenced=\"true\""))

            let failing = try #require(active.first { $0[0] == SeededFleet.failing && $0[1] == "offline" })
            #expect(failing.last == "opened \(SeededAlerting.webhook): pending", "\(failing)")
            // Alerts nobody was told about say so quietly.
            #expect(active.filter { $0[0] != SeededFleet.failing && $0[0] != HTML.escaped(SeededFleet.critical) }.allSatisfy { $0.last == "not notified" })

            // The silences still in force; the ended one is not listed.
            let silences = page.rows(ofTable: "silences")
            #expect(silences.count == 1)
            #expect(silences.first?[0] == "server \(HTML.escaped(SeededFleet.critical))")
            #expect(silences.first?[1] == "cpu" && silences.first?[2] == HTML.escaped(SeededAlerting.silenceReason))
            #expect(page.body.contains("<h2 id=\"silences-heading\">Silences (1)</h2>"))

            // Host and receiver text is never markup.
            #expect(!page.body.contains("<script>alert"))
            #expect(!page.body.contains("<b>tonight</b>"))
        }
    }

    @Test func withoutChannelsOrSilencesNothingIsNoisy() async throws {
        try await RendererHarness.run { _, client in
            let page = try await client.page("/alerts")
            #expect(page.status == .ok)
            #expect(page.rows(ofTable: "active-alerts").allSatisfy { $0.last == "not notified" })
            #expect(page.body.contains("id=\"no-silences\""))
            #expect(!page.body.contains("class=\"silenced\""))
            #expect(!page.body.contains("class=\"deliveries\""))
        }
    }

    @Test func hostileNamesReasonsChannelsAndErrorsAreEscaped() async throws {
        let hostile = "evil<script>alert(1)</script>"
        try await RendererHarness.run(seed: { test in
            let now = Date()
            let ids = try await test.database.servers.sync(inventory: [ServerConfig(name: hostile, host: "127.0.0.1", username: "u", password: Secret("p"))])
            let serverID = try #require(ids[hostile])
            try await test.database.alerts.apply([.open(.disk, .critical, message: "disk <i>full</i>", value: 99)], serverID: serverID, at: now)
            let alert = try #require(try await test.database.alerts.list(.active).first)
            try await SeededAlerting.addEvent(
                test.database, alertID: alert.id, at: now,
                rows: [
                    .init(channel: "https://x.test/\"><script>alert(2)</script>", state: "failed", attempts: 3, lastError: "<img src=x onerror=alert(3)>")
                ])
            try await test.database.silences.add(
                scope: .server(hostile), alertType: nil, reason: "<script>alert(4)</script>", startsAt: now.addingTimeInterval(-60),
                endsAt: now.addingTimeInterval(600))
        }) { _, client in
            let page = try await client.page("/alerts")
            #expect(page.status == .ok)
            for raw in ["<script>alert(", "<img src=x", "<i>full</i>", "\"><script>"] {
                #expect(!page.body.contains(raw), "\(raw) reached the page unescaped")
            }
            #expect(page.body.contains("evil&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.body.contains("<span class=\"ds\">failed</span>: <span class=\"err\">&lt;img src=x onerror=alert(3)&gt;</span>"))
            #expect(page.body.contains("&lt;script&gt;alert(4)&lt;/script&gt; until "))
            #expect(page.body.contains("<code>https://x.test/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</code>"))
            // The server link percent-encodes the name.
            #expect(page.body.contains("href=\"/servers/evil%3Cscript%3Ealert%281%29%3C%2Fscript%3E\""))
        }
    }

    @Test func serverPageShowsItsAlertsSilencesAndDeliveries() async throws {
        try await RendererHarness.run(seed: { test in
            let now = Date()
            try await SeededFleet.seed(test.database, now: now)
            try await SeededAlerting.seed(test.database, now: now)
            // A silence by tag covers no server of the fleet (none is tagged).
            try await test.database.silences.add(
                scope: .tag("db"), alertType: nil, reason: "db upgrade", startsAt: now.addingTimeInterval(-60), endsAt: now.addingTimeInterval(600))
        }) { _, client in
            let critical = try await client.page("/servers/" + URLEncoding.component(SeededFleet.critical))
            #expect(critical.status == .ok)
            let alerts = critical.rows(ofTable: "server-alerts")
            #expect(alerts.count == 1)
            #expect(alerts.first?[1] == "cpu")
            let notified = try #require(alerts.first?.last)
            #expect(notified.contains("silenced \(HTML.escaped(SeededAlerting.silenceReason))"))
            #expect(notified.contains("delivered") && notified.contains("pending") && notified.contains("failed: "))
            let silences = critical.rows(ofTable: "server-silences")
            #expect(silences.map { $0[2] } == [HTML.escaped(SeededAlerting.silenceReason)])
            #expect(!critical.body.contains("db upgrade"))
            #expect(!critical.body.contains("<script>alert"))

            let healthy = try await client.page("/servers/" + SeededFleet.healthy)
            #expect(healthy.status == .ok)
            #expect(healthy.body.contains("id=\"no-server-alerts\""))
            #expect(!healthy.body.contains("id=\"server-silences\""))

            let failing = try await client.page("/servers/" + SeededFleet.failing)
            #expect(failing.rows(ofTable: "server-alerts").map { $0.last } == ["opened \(SeededAlerting.webhook): pending"])
        }
    }
}

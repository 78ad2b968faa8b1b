import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// Tags on the pages and the fleet filter (`?tag=`, `?status=`, `?q=`) on the dashboard,
/// overview, users and alerts pages, rendered from a real api over the seeded fleet with tags.
@Suite(.tags(.postgres, .builtProducts)) struct FleetFilterTests {
    /// A tag that is markup, to prove tags are escaped.
    static let hostileTag = "<img src=x onerror=alert(1)>"

    /// The seeded fleet, with web-01 and cache-02 tagged `web`, web-01 also `eu`, and the critical server tagged with markup.
    static func seedWithTags(_ test: TestDatabase) async throws {
        try await SeededFleet.seed(test)
        try await test.database.pool.query("UPDATE servers SET tags = ARRAY[\("web"), \("eu")]::text[] WHERE name = \(SeededFleet.healthy)")
        try await test.database.pool.query("UPDATE servers SET tags = ARRAY[\("web")]::text[] WHERE name = \(SeededFleet.warning)")
        try await test.database.pool.query("UPDATE servers SET tags = ARRAY[\(hostileTag)]::text[] WHERE name = \(SeededFleet.critical)")
    }

    @Test func cardsShowTagsAsEscapedFilterLinks() async throws {
        try await RendererHarness.run(seed: Self.seedWithTags) { _, client in
            let page = try await client.page("/")
            #expect(page.status == .ok)
            let web = try #require(page.card(SeededFleet.healthy))
            #expect(web.contains("</h2><p class=\"tags\"><span class=\"defs\">Tags:</span>"))
            #expect(
                page.body.contains(
                    "data-server=\"web-01\"><h2><a href=\"/servers/web-01\">web-01</a><span class=\"st\">healthy</span></h2><p class=\"tags\"><span class=\"defs\">Tags:</span>"
                        + " <a href=\"/?tag=web\">web</a> <a href=\"/?tag=eu\">eu</a></p>"))
            let critical = try #require(page.card(SeededFleet.critical))
            #expect(critical.contains(">&lt;img src=x onerror=alert(1)&gt;</a>"))
            #expect(critical.contains("href=\"/?tag=%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\""))
            #expect(!page.body.contains("<img src=x"))
            // The filter form lists every tag once, escaped.
            #expect(page.body.contains("<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\""))
            #expect(page.count("<option value=\"web\">web</option>") == 1)
            #expect(page.body.contains("<option value=\"&lt;img src=x onerror=alert(1)&gt;\">"))
            #expect(page.card(SeededFleet.stale)?.contains("class=\"tags\"") == false)
            #expect(!page.body.contains("id=\"current-filter\""))
        }
    }

    @Test func dashboardFiltersByTagStatusAndNameAndShowsTheFilter() async throws {
        try await RendererHarness.run(seed: Self.seedWithTags) { _, client in
            let byTag = try await client.page("/?tag=web")
            #expect(byTag.count("class=\"card ") == 2)
            #expect(byTag.card(SeededFleet.healthy) != nil && byTag.card(SeededFleet.warning) != nil)
            #expect(byTag.body.contains("<option value=\"web\" selected>web</option>"))
            #expect(byTag.body.contains("Showing <b>2</b> of 6 servers"))
            #expect(byTag.body.contains("<a class=\"chip\" href=\"/\" aria-label=\"Remove the filter tag: web\">"))
            #expect(byTag.body.contains("id=\"refresh\" href=\"/?tag=web\""))

            let offline = try await client.page("/?status=offline")
            #expect(offline.count("class=\"card ") == 3)
            #expect(offline.body.contains("<option value=\"offline\" selected>offline</option>"))

            let byName = try await client.page("/?q=WEB")
            #expect(byName.count("class=\"card ") == 1 && byName.card(SeededFleet.healthy) != nil)
            #expect(byName.body.contains("name=\"q\" value=\"WEB\""))

            let both = try await client.page("/?tag=web&status=warning")
            #expect(both.count("class=\"card ") == 1 && both.card(SeededFleet.warning) != nil)
            #expect(both.body.contains("href=\"/?status=warning\" aria-label=\"Remove the filter tag: web\""))
            #expect(both.body.contains("id=\"clear-filter\" href=\"/\""))

            let hostile = try await client.page("/?tag=" + URLEncoding.component(Self.hostileTag))
            #expect(hostile.count("class=\"card ") == 1 && hostile.card(SeededFleet.critical) != nil)
            #expect(!hostile.body.contains("<img src=x"))

            let none = try await client.page("/?q=" + URLEncoding.component("<b>nothing"))
            #expect(none.status == .ok)
            #expect(none.body.contains("id=\"no-match\""))
            #expect(none.body.contains("value=\"&lt;b&gt;nothing\""))
            #expect(!none.body.contains("<b>nothing"))
        }
    }

    @Test func badFilterValuesAnswer400() async throws {
        try await RendererHarness.run(seed: Self.seedWithTags) { _, client in
            let long = String(repeating: "t", count: FleetFilter.maximumTagLength + 1)
            for uri in [
                "/?status=purple", "/?view=grid", "/?sort=cpux", "/?sort=--cpu", "/?tag=\(long)",
                "/?q=" + String(repeating: "q", count: FleetFilter.maximumSearchLength + 1), "/?q=%00",
                "/overview?status=purple", "/alerts?status=up", "/users?status=down",
            ] {
                let page = try await client.page(uri)
                #expect(page.status == .badRequest, "\(uri.prefix(60))")
                #expect(page.body.contains("data-status-code=\"400\""), "\(uri.prefix(60))")
            }
            let quoted = try await client.page("/?status=" + URLEncoding.component("<script>"))
            #expect(quoted.status == .badRequest && quoted.body.contains("&lt;script&gt;") && !quoted.body.contains("<script>alert"))
        }
    }

    @Test func overviewAlertsAndUsersKeepTheFilter() async throws {
        try await RendererHarness.run(seed: Self.seedWithTags) { _, client in
            let overview = try await client.page("/overview?status=offline")
            #expect(overview.status == .ok)
            #expect(overview.body.contains("<div class=\"tile\" id=\"total-servers\"><b>3</b>"))
            #expect(overview.body.contains("<div class=\"tile\" id=\"online-servers\"><b>0</b>"))
            #expect(overview.body.contains("action=\"/overview\""))
            #expect(overview.body.contains("<option value=\"offline\" selected>"))
            // Only the offline server's alert (flaky-03) stays among the active alerts.
            #expect(overview.rows(ofTable: "alerts").map { $0.first } == [SeededFleet.failing])

            let alerts = try await client.page("/alerts?q=flaky")
            #expect(alerts.status == .ok)
            #expect(alerts.rows(ofTable: "active-alerts").allSatisfy { $0.first == SeededFleet.failing })
            #expect(!alerts.rows(ofTable: "active-alerts").isEmpty)
            #expect(alerts.body.contains("name=\"q\" value=\"flaky\"") && alerts.body.contains("id=\"current-filter\""))
            let allAlerts = try await client.page("/alerts")
            #expect(Set(allAlerts.rows(ofTable: "active-alerts").compactMap(\.first)).count > 1)

            // Users: the rows of the servers tagged with markup only (the critical host's), with its tag shown.
            let users = try await client.page("/users?tag=" + URLEncoding.component(Self.hostileTag))
            #expect(users.status == .ok)
            let rows = users.rows(ofTable: "users")
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0[1].hasPrefix(HTML.escaped(SeededFleet.critical)) })
            #expect(users.body.contains("<a href=\"/users?tag=%3Cimg"))
            #expect(!users.body.contains("<img src=x"))
            #expect(users.body.contains("Remove the filter tag: &lt;img"))
            // Sorting keeps the tag.
            #expect(users.body.contains("tag=%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E&amp;sort=username") || users.body.contains("&amp;tag=%3Cimg"))
        }
    }
}

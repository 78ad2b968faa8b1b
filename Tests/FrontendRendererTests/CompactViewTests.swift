import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// The dashboard's compact view: asked for with `?view=compact`, or opened above
/// `DASHBOARD_CARD_LIMIT`; problems first with reasons, tiles by tag, a sortable table.
@Suite(.tags(.postgres, .builtProducts)) struct CompactViewTests {
    @Test func compactViewListsProblemsWithReasonsTilesByTagAndTheTable() async throws {
        try await RendererHarness.run(seed: FleetFilterTests.seedWithTags) { _, client in
            let page = try await client.page("/?view=compact")
            #expect(page.status == .ok)
            #expect(page.count("class=\"card ") == 0)
            // Problems: critical, then warning, then the three offline, each with its reason.
            let problems = try #require(
                page.body.components(separatedBy: "<ul class=\"problems\" id=\"problems\">").last?.components(separatedBy: "</ul>").first)
            let order = problems.components(separatedBy: "data-server=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(order == [HTML.escaped(SeededFleet.critical), SeededFleet.warning, SeededFleet.failing, SeededFleet.neverCollected, SeededFleet.stale])
            #expect(problems.contains("CPU 95 % (critical)"))
            #expect(problems.contains("RAM 85 % (warning)"))
            #expect(problems.contains("auth: authentication failed for user probe"))
            #expect(problems.contains("never collected"))
            #expect(problems.contains("no data since <time"))
            #expect(page.body.contains("<h2 id=\"problems-heading\">Problems (5)</h2>"))
            // Tiles: web (2), eu (1), the markup tag (1) and the three without a tag; each with a shape and a label.
            #expect(page.count("<a class=\"t s-") == 2 + 1 + 1 + 3)
            #expect(page.body.contains("<a class=\"t s-critical\" href=\"/servers/db%2001%20%C3%BCn%C3%AFc%C3%B8d%C3%A9\""))
            #expect(page.body.contains("aria-label=\"web-01: healthy\">✓</a>"))
            #expect(page.body.contains("aria-label=\"cache-02: warning\">!</a>"))
            #expect(page.body.contains("Without a tag"))
            #expect(page.body.contains("Tag <a href=\"/?tag=web&amp;view=compact\">web</a>"))
            #expect(page.body.contains("&lt;img src=x onerror=alert(1)&gt;") && !page.body.contains("<img src=x"))
            // The table: every server, by name.
            let rows = page.rows(ofTable: "fleet")
            #expect(rows.map(\.first) == SeededFleet.names.map(HTML.escaped).sorted())
            #expect(rows.first { $0.first == "web-01" }?[2] == "14 %")
            #expect(
                page.body.contains("<th scope=\"col\" aria-sort=\"ascending\"><a href=\"/?view=compact&amp;sort=-name\" data-sort=\"name\">Server ▲</a></th>"))
            #expect(page.body.contains("<a href=\"/?view=compact&amp;sort=-cpu\" data-sort=\"cpu\">CPU</a>"))
            #expect(page.body.contains("<a class=\"button\" id=\"view-cards\" href=\"/?view=cards\">Card wall</a>"))
            // The card wall links back.
            let cards = try await client.page("/")
            #expect(cards.count("class=\"card ") == 6)
            #expect(cards.body.contains("<a class=\"button\" id=\"view-compact\" href=\"/?view=compact\">Compact view</a>"))
        }
    }

    @Test func compactViewOpensAboveTheCardLimitAndTheCardWallStaysOneClickAway() async throws {
        try await RendererHarness.run(seed: FleetFilterTests.seedWithTags, environment: ["DASHBOARD_CARD_LIMIT": "5"]) { _, client in
            let page = try await client.page("/")
            #expect(page.status == .ok)
            #expect(page.count("class=\"card ") == 0 && page.body.contains("<table id=\"fleet\">"))
            #expect(page.body.contains("id=\"view-cards\" href=\"/?view=cards\""))
            let wall = try await client.page("/?view=cards")
            #expect(wall.count("class=\"card ") == 6)
            // Two servers shown are under the limit: cards.
            let tagged = try await client.page("/?tag=web")
            #expect(tagged.count("class=\"card ") == 2)
            // The sort links keep the default (compact) view without naming it.
            #expect(page.body.contains("<a href=\"/?sort=-cpu\" data-sort=\"cpu\">CPU</a>"))
        }
        // At the limit: cards.
        try await RendererHarness.run(seed: FleetFilterTests.seedWithTags, environment: ["DASHBOARD_CARD_LIMIT": "6"]) { _, client in
            let page = try await client.page("/")
            #expect(page.count("class=\"card ") == 6)
        }
    }

    @Test func tableSortsByEachColumnBothWays() async throws {
        try await RendererHarness.run(seed: FleetFilterTests.seedWithTags) { _, client in
            let byCPU = try await client.page("/?view=compact&sort=-cpu")
            let names = byCPU.rows(ofTable: "fleet").map { $0.first ?? "" }
            // 95, 20 (warning), 14 (healthy), then those without a figure by name.
            #expect(names.prefix(3) == [HTML.escaped(SeededFleet.critical), SeededFleet.warning, SeededFleet.healthy])
            #expect(names.last == SeededFleet.neverCollected)
            #expect(
                byCPU.body.contains(
                    "<th scope=\"col\" aria-sort=\"descending\" class=\"n\"><a href=\"/?view=compact&amp;sort=cpu\" data-sort=\"cpu\">CPU ▼</a></th>"))
            #expect(byCPU.count("aria-sort=") == 1)

            let ascending = try await client.page("/?view=compact&sort=cpu")
            let up = ascending.rows(ofTable: "fleet").map { $0.first ?? "" }
            let position = { (name: String) in up.firstIndex(of: name) ?? -1 }
            #expect(position(SeededFleet.healthy) < position(SeededFleet.warning))
            #expect(position(SeededFleet.warning) < position(HTML.escaped(SeededFleet.critical)))
            #expect(up.dropLast().last == HTML.escaped(SeededFleet.critical))  // the highest figure
            #expect(up.last == SeededFleet.neverCollected)  // no figure: last either way

            let byStatus = try await client.page("/?view=compact&sort=status")
            let statuses = byStatus.rows(ofTable: "fleet").map { $0[1] }
            #expect(statuses.first?.hasSuffix("critical") == true && statuses.last?.hasSuffix("healthy") == true)

            let byName = try await client.page("/?view=compact&sort=-name")
            #expect(byName.rows(ofTable: "fleet").map { $0.first ?? "" } == SeededFleet.names.map(HTML.escaped).sorted().reversed())
            // The filter form keeps the view and the sort.
            #expect(byName.body.contains("<input type=\"hidden\" name=\"view\" value=\"compact\"><input type=\"hidden\" name=\"sort\" value=\"-name\">"))
        }
    }
}

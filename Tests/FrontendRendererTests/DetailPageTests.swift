import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// The server, users and alerts pages, rendered from a real api over a seeded fleet.
@Suite(.tags(.postgres, .builtProducts)) struct DetailPageTests {
    @Test func serverPageShowsEveryFigureFilesystemsUsersAndForecast() async throws {
        try await RendererHarness.run { _, client in
            let page = try await client.page("/servers/web-01")
            #expect(page.status == .ok)
            #expect(page.body.contains("<h1 data-status=\"healthy\" class=\"s-healthy\">web-01"))
            #expect(page.body.contains("Debian GNU/Linux 12 (bookworm)"))
            #expect(page.body.contains("6.1.0-18-amd64"))
            let figures = page.rows(ofTable: "figures")
            // One row per catalogue figure, in catalogue order, each in its unit.
            #expect(figures.map(\.first) == MetricCatalogue.onSample.filter(\.isListed).map(\.label) + ["Headline filesystem"])
            #expect(figures.contains(["Load, 5 min", "0.58"]))
            #expect(figures.contains(["Memory used", "75 %"]))
            #expect(page.body.contains("<th scope=\"row\">Memory used</th><td class=\"n m-normal\"><b>75 %</b></td>"))
            #expect(figures.contains(["Memory total", "14.9 GiB"]))
            #expect(figures.contains(["CPU user time", "8.4 %"]))
            #expect(figures.contains(["CPU steal", "0.4 %"]))
            #expect(figures.contains(["Disk read", "1 MiB/s"]))
            #expect(figures.contains(["Disk written", "256 KiB/s"]))
            #expect(figures.contains(["Headline filesystem", "/"]))
            #expect(figures.contains(["Processes", "234"]))
            #expect(figures.contains(["TCP connections", "42"]))
            let filesystems = page.rows(ofTable: "filesystems")
            #expect(filesystems.count == 2)
            #expect(filesystems.first { $0.first == "/mnt/my disk" }?[3] == "90 %")
            #expect(page.body.contains("<svg class=\"bar m-critical\""))
            // Five samples over an hour give the forecaster enough to judge the trend.
            // Mount, device, used, use, bar, inodes used (`–`: not reported), forecast.
            #expect(filesystems.allSatisfy { $0.count == 7 && $0[5] == "–" && !$0[6].isEmpty })
            let users = page.rows(ofTable: "server-users")
            #expect(users.map(\.first) == ["alice", "bob"])
            #expect(page.body.contains("id=\"no-failures\""))
            #expect(page.body.contains("href=\"/history?server=web-01\""))
        }
    }

    @Test func filesystemBarsUseTheServersOwnDiskThresholds() async throws {
        // web-01's "/mnt/my disk" is 90 % full: critical by the defaults (80/90), normal by its own 95/99.
        let seed: (TestDatabase) async throws -> Void = { test in
            try await SeededFleet.seed(test)
            try await test.database.pool.query(
                """
                UPDATE servers SET thresholds = '{"cpu":{"warning":70,"critical":90},"ram":{"warning":80,"critical":95},"disk":{"warning":95,"critical":99}}'
                WHERE name = 'web-01'
                """)
        }
        try await RendererHarness.run(seed: seed) { _, client in
            let page = try await client.page("/servers/web-01")
            #expect(page.rows(ofTable: "filesystems").first { $0.first == "/mnt/my disk" }?[3] == "90 %")
            #expect(!page.body.contains("<svg class=\"bar m-critical\""))
            #expect(!page.body.contains("<svg class=\"bar m-warning\""))
        }
    }

    @Test func serverPagesOfHostileFailingAndNeverCollectedServers() async throws {
        try await RendererHarness.run { _, client in
            let hostile = try await client.page("/servers/" + URLEncoding.component(SeededFleet.critical))
            #expect(hostile.status == .ok)
            #expect(hostile.body.contains("db 01 ünïcødé"))
            #expect(hostile.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!hostile.body.contains(SeededFleet.hostileUser))
            #expect(hostile.body.contains("=cmd|&#39; /C calc&#39;!A0"))

            let failing = try await client.page("/servers/flaky-03")
            #expect(failing.status == .ok)
            let failures = failing.rows(ofTable: "failures")
            #expect(failures.count == 1)
            #expect(failures.first?[1] == "auth" && failures.first?[2] == "authentication failed for user probe")

            let never = try await client.page("/servers/new-box")
            #expect(never.status == .ok)
            #expect(never.body.contains("id=\"never-collected\""))
            #expect(never.body.contains("id=\"no-filesystems\""))

            let unknown = try await client.page("/servers/no-such-host")
            #expect(unknown.status == .notFound)
            #expect(unknown.body.contains("<h1>Not found</h1>"))
            #expect(unknown.body.contains("no server named &#39;no-such-host&#39;"))
        }
    }

    @Test func usersPageEscapesSortsFiltersAndLinksDownloads() async throws {
        try await RendererHarness.run { _, client in
            let page = try await client.page("/users")
            #expect(page.status == .ok)
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.body.contains("<script>alert"))
            // Highest CPU first: the hostile user at 99, then alice (55.5) on each server.
            let rows = page.rows(ofTable: "users")
            #expect(rows.first?.first == HTML.escaped(SeededFleet.hostileUser))
            let cpu = rows.compactMap { Double($0[2]) }
            #expect(cpu == cpu.sorted(by: >) && cpu.count == rows.count)
            #expect(
                page.body.contains("<th scope=\"col\" aria-sort=\"descending\" class=\"n\"><a href=\"/users?order=asc\" data-sort=\"cpu\">CPU % ▼</a></th>"))
            #expect(page.body.contains("id=\"download-csv\" href=\"/users.csv\""))

            let byName = try await client.page("/users?sort=username&order=desc")
            let names = byName.rows(ofTable: "users").map { $0[0].lowercased() }
            #expect(names == names.sorted(by: >))
            #expect(byName.body.contains("aria-sort=\"descending\"><a href=\"/users?sort=username\" data-sort=\"username\">User ▼</a>"))

            let filtered = try await client.page("/users?server=web-01&q=ali")
            #expect(filtered.rows(ofTable: "users").map { [$0[0], $0[1]] } == [["alice", "web-01"]])
            #expect(filtered.body.contains("<option selected>web-01</option>"))
            #expect(filtered.body.contains("value=\"ali\""))
            #expect(filtered.body.contains("href=\"/users.xlsx?server=web-01&amp;q=ali\""))

            let none = try await client.page("/users?q=nobody-at-all")
            #expect(none.body.contains("id=\"no-users\"") && none.body.contains("No users match this filter."))

            let bad = try await client.page("/users?sort=password")
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("&#39;sort&#39; must be one of cpu, mem, disk, process_count, username, server"))
        }
    }

    @Test func usersDownloadsStreamTheApiExports() async throws {
        try await RendererHarness.run { _, client in
            let csv = try await client.page("/users.csv?server=web-01")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"top-users-") == true)
            #expect(csv.body.contains("alice") && !csv.body.contains("db 01"))

            let xlsx = try await client.page("/users.xlsx")
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(xlsx.bytes.prefix(2) == Data("PK".utf8))
        }
    }

    @Test func alertsPageListsActiveAndResolved() async throws {
        try await RendererHarness.run(seed: { test in
            let now = Date()
            let ids = try await SeededFleet.seed(test.database, now: now)
            // web-01's CPU went critical and came back: one resolved alert.
            let evaluator = AlertEvaluator(thresholds: .defaults)
            let id = try #require(ids[SeededFleet.healthy])
            let hot = makeSample(at: now.addingTimeInterval(-50), cpu: 97)
            try await test.database.alerts.apply(evaluator.decisions(for: hot, serverName: SeededFleet.healthy), serverID: id, at: hot.collectedAt)
            let cool = makeSample(at: now.addingTimeInterval(-40), cpu: 12)
            try await test.database.alerts.apply(evaluator.decisions(for: cool, serverName: SeededFleet.healthy), serverID: id, at: cool.collectedAt)
        }) { _, client in
            let page = try await client.page("/alerts")
            #expect(page.status == .ok)
            let active = page.rows(ofTable: "active-alerts")
            #expect(active.contains { $0[0] == HTML.escaped(SeededFleet.critical) && $0[1] == "cpu" && $0[2] == "critical" })
            #expect(active.contains { $0[0] == SeededFleet.failing && $0[1] == "offline" })
            #expect(!active.contains { $0[0] == SeededFleet.healthy })
            let resolved = page.rows(ofTable: "resolved-alerts")
            #expect(resolved.contains { $0[0] == SeededFleet.healthy && $0[1] == "cpu" })
        }
    }
}

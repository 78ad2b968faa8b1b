import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// A real api on a PostgreSQL of its own that the test stops: the api answers from its last
/// known fleet, marked stale, and the dashboard shows that fleet under the stale banner with
/// status 200; once PostgreSQL is back the banner goes by itself (docs/dashboard.md, "Live updates").
@Suite(.tags(.postgres)) struct LiveStaleBannerTests {
    @Test func theDashboardShowsTheLastKnownFleetUnderTheBannerAndRecovers() async throws {
        try await OwnCluster.with { cluster in
            let database = Database(configuration: DatabaseConfiguration(connectionString: cluster.url, poolSize: 2), logger: TestDatabase.logger)
            try await database.migrate(logger: TestDatabase.logger)
            try await SeededFleet.seed(database)
            await database.pool.close()

            let port = try unusedPort()
            var values = ProcessInfo.processInfo.environment
            values["DATABASE_URL"] = cluster.url
            values["DATABASE_POOL_SIZE"] = "2"
            values["API_HOST"] = "127.0.0.1"
            values["API_PORT"] = String(port)
            values["LOG_LEVEL"] = "error"
            let api = try BackgroundProcess.start([RendererHarness.packageRoot + "/.build/debug/api", "--env-file", "/dev/null"], environment: values)
            defer { api.kill(SIGTERM) }
            try await RendererHarness.waitUntilHealthy("http://127.0.0.1:\(port)")

            try await RendererHarness.renderer(apiURL: "http://127.0.0.1:\(port)").test(.router) { client in
                let before = try await client.page("/")
                #expect(before.status == .ok)
                #expect(!before.body.contains("id=\"stale-banner\""))

                let stoppedAt = Date()
                try await cluster.run("stop")
                let stale = try await Self.poll(client, "/") { $0.body.contains("id=\"stale-banner\"") }
                #expect(stale.status == .ok)
                #expect(
                    stale.body.contains("<div class=\"banner stale\" id=\"stale-banner\" role=\"status\">The database is unreachable since <time datetime=\""))
                #expect(stale.body.contains("</time>; figures as of <time datetime=\""))
                #expect(!stale.body.contains("id=\"api-banner\""))
                for name in SeededFleet.names { #expect(stale.card(name) != nil, "\(name) is still shown") }
                // The outage began when the test stopped the cluster, give or take a second of clock rounding.
                let since = try #require(stale.body.firstMatch(of: /unreachable since <time datetime="([^"]+)"/)).1
                let sinceDate = try #require(ISO8601DateFormatter().date(from: String(since)))
                #expect(sinceDate >= stoppedAt.addingTimeInterval(-2), "\(since)")
                // A fragment refresh carries the banner too: the page script swaps it in.
                let fragment = try await client.page("/", headers: [.init("X-Fragment")!: "page"])
                #expect(fragment.body.contains("id=\"stale-banner\""))
                // The server page: its record from the last known fleet, what needs the database left out and said so.
                let server = try await client.page("/servers/\(SeededFleet.healthy)")
                #expect(server.status == .ok)
                #expect(server.body.contains("id=\"stale-banner\"") && server.body.contains("<div class=\"empty-state\" id=\"partial\">"))
                #expect(server.body.contains("<dl class=\"facts\" id=\"facts\">"))

                try await cluster.run("start")
                let recovered = try await Self.poll(client, "/") { !$0.body.contains("id=\"stale-banner\"") && $0.status == .ok }
                for name in SeededFleet.names { #expect(recovered.card(name) != nil, "\(name) after the recovery") }
            }
        }
    }

    /// Loads `uri` until `condition` holds, for up to 60 s.
    static func poll(_ client: some TestClientProtocol, _ uri: String, until condition: (Page) -> Bool) async throws -> Page {
        let deadline = Date().addingTimeInterval(60)
        var last = try await client.page(uri)
        while !condition(last) {
            guard Date() < deadline else {
                Issue.record("\(uri) never reached the expected state; last answer \(last.status): \(last.body.prefix(600))")
                return last
            }
            try await Task.sleep(for: .milliseconds(250))
            last = try await client.page(uri)
        }
        return last
    }
}

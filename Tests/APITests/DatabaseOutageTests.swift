import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// PostgreSQL stopped under a running api (the router alone, no change subscription): what
/// it read before is answered from memory marked stale, what needs the database answers 503
/// while it is away, and everything is 200 and fresh again on its own once it is back,
/// without restarting the api. StaleAnswerTests does the same with the api's services running.
@Suite(.tags(.postgres)) struct DatabaseOutageTests {
    @Test func answersStaleOr503WhileStoppedAndRecoversOnItsOwn() async throws {
        try await OwnCluster.with { cluster in try await Self.outageAndRecovery(cluster) }
    }

    static func outageAndRecovery(_ cluster: OwnCluster) async throws {
        let api = try await APIHarness.make(databaseURL: cluster.url, migrate: true)
        try await SeededFleet.seed(api.dependencies.database)
        let cached = ["/api/servers/metrics/latest", "/api/system/overview", "/api/servers/web-01/status"]
        let databaseOnly = ["/api/users/top"]
        let paths = ["/api/health"] + cached + databaseOnly
        try await api.withClient { client in
            for path in paths {
                #expect(try await client.get(path).status == .ok, "\(path) before")
            }
            try await cluster.run("stop")
            let (healthStatus, health) = try await client.json("/api/health")
            #expect(healthStatus == .serviceUnavailable)
            #expect((health as? [String: Any])?["status"] as? String == "unhealthy")
            for path in cached {
                let (status, headers, _) = try await client.get(path)
                #expect(status == .ok, "\(path) while stopped")
                #expect(headers[Staleness.warning] != nil && headers[Staleness.staleSince] != nil, "\(path) while stopped")
            }
            for path in databaseOnly {
                let (status, _, body) = try await client.get(path)
                #expect(status == .serviceUnavailable, "\(path) while stopped")
                #expect(ErrorAnswer(try JSONSerialization.jsonObject(with: body))?.code == "DATABASE_UNAVAILABLE", "\(path)")
            }
            try await cluster.run("start")
            // The api tries the database again at most every failFastInterval.
            try await Task.sleep(for: api.dependencies.cache.failFastInterval + .milliseconds(500))
            for path in paths {
                let (status, headers, _) = try await client.get(path)
                #expect(status == .ok, "\(path) after")
                #expect(headers[Staleness.warning] == nil, "\(path) after")
            }
            let (_, latest) = try await client.json("/api/servers/metrics/latest")
            #expect((latest as? [Any])?.count == SeededFleet.names.count)
        }
    }
}

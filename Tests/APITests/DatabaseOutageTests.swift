import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// PostgreSQL stopped under a running api, then started again: 503 while it is away,
/// 200 again on its own once it is back, without restarting the api.
@Suite(.tags(.postgres)) struct DatabaseOutageTests {
    @Test func answers503WhileStoppedAndRecoversOnItsOwn() async throws {
        try await OwnCluster.with { cluster in try await Self.outageAndRecovery(cluster) }
    }

    static func outageAndRecovery(_ cluster: OwnCluster) async throws {
        let api = try await APIHarness.make(databaseURL: cluster.url, migrate: true)
        try await SeededFleet.seed(api.dependencies.database)
        let paths = ["/api/health", "/api/servers/metrics/latest", "/api/system/overview", "/api/servers/web-01/status", "/api/users/top"]
        try await api.withClient { client in
            for path in paths {
                #expect(try await client.get(path).status == .ok, "\(path) before")
            }
            try await cluster.run("stop")
            for path in paths {
                let (status, _, body) = try await client.get(path)
                #expect(status == .serviceUnavailable, "\(path) while stopped")
                let value = try JSONSerialization.jsonObject(with: body)
                if path == "/api/health" {
                    #expect((value as? [String: Any])?["status"] as? String == "unhealthy")
                } else {
                    #expect(ErrorAnswer(value)?.code == "DATABASE_UNAVAILABLE", "\(path)")
                }
            }
            try await cluster.run("start")
            for path in paths {
                #expect(try await client.get(path).status == .ok, "\(path) after")
            }
            let (_, latest) = try await client.json("/api/servers/metrics/latest")
            #expect((latest as? [Any])?.count == SeededFleet.names.count)
        }
    }
}

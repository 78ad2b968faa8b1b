import Foundation
import TestSupport
import Testing

/// The `database` event (docs/api.md "Live events"): PostgreSQL stopped under the real api
/// process with an open stream → one `unreachable` event with since when, the stream itself
/// staying open; PostgreSQL back → one `reachable` event. Pages refresh on them, so the
/// stale banner comes and goes without a collection.
@Suite(.tags(.postgres, .builtProducts)) struct EventStreamDatabaseTests {
    @Test func anOutageAndTheRecoveryArriveOnceEachOnTheOpenStream() async throws {
        try await OwnCluster.with { cluster in
            let environment = ["DATABASE_URL": cluster.url, "DATABASE_POOL_SIZE": "2", "LOG_LEVEL": "info", "LOG_FORMAT": "json"]
            let api = try await RunningService.start(
                "api", portVariable: "API_PORT", hostVariable: "API_HOST", healthPath: "/api/health", environment: environment)
            defer { api.cleanUp() }
            try await api.waitForLiveCache()

            let client = try EventStreamClient(port: api.port)
            try await client.wait("the stream's head") { $0.body.text.contains("retry: 3000") }
            #expect(client.data(of: "database").isEmpty, "nothing to say while the database is there")

            let stoppedAt = Date()
            try await cluster.run("stop")
            try await client.wait(timeout: .seconds(30), "the unreachable event") { !$0.data(of: "database").isEmpty }
            let unreachable = try #require(client.data(of: "database").first)
            #expect(unreachable["state"] as? String == "unreachable")
            let since = try #require((unreachable["since"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            #expect(since >= stoppedAt.addingTimeInterval(-1) && since <= Date(), "since when: \(since)")

            try await cluster.run("start")
            try await client.wait(timeout: .seconds(60), "the reachable event") { $0.data(of: "database").count >= 2 }
            let events = client.data(of: "database")
            #expect(events.count == 2, "one event per change, not one per reconnection attempt: \(events)")
            #expect(events.last?["state"] as? String == "reachable")
            #expect(events.last?["since"] == nil)
            client.close()
        }
    }
}

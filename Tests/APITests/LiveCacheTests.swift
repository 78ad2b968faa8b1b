import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@testable import API

/// The running api (its services included): latest metrics and the overview come from
/// memory while PostgreSQL's change notifications flow, refresh when the collector
/// writes, and cost one database read per change, not one per request.
@Suite(.tags(.postgres)) struct LiveCacheTests {
    @Test func pollsAreServedFromMemoryAndChangesArriveWithinASecondOrTwo() async throws {
        let api = try await APIHarness.make()
        let ids = try await SeededFleet.seed(api.test)
        var logger = Logger(label: "api-live-test")
        logger.logLevel = .warning
        let app = buildApplication(api.dependencies, logger: logger)
        try await app.test(.live) { client in
            // The subscription connects and the cache goes live.
            _ = try await waitUntil {
                try await client.json("/api/health").value as? [String: Any]
            } check: {
                $0["cache"] as? String == "live"
            }
            let (_, first) = try await client.json("/api/servers/metrics/latest")
            #expect((first as? [Any])?.count == SeededFleet.names.count)

            let loadsBefore = await api.dependencies.cache.fleetLoads
            for _ in 0..<50 {
                #expect(try await client.get("/api/servers/metrics/latest").status == .ok)
                #expect(try await client.get("/api/system/overview").status == .ok)
            }
            #expect(await api.dependencies.cache.fleetLoads == loadsBefore, "polls must not read the database")

            // The collector stores a new sample: the answer follows without a restart.
            let newer = Date()
            try await api.test.database.samples.store(makeSample(at: newer, cpu: 77), serverID: ids[SeededFleet.healthy]!)
            let record = try await waitUntil { () async throws -> [String: Any]? in
                let (_, latest) = try await client.json("/api/servers/metrics/latest")
                return (latest as? [[String: Any]])?.first { $0["server_name"] as? String == SeededFleet.healthy }
            } check: {
                ($0["timestamp"] as? String).flatMap(Timestamp.parse).map { abs($0.timeIntervalSince(newer)) < 0.01 } == true
            }
            #expect(record["cpu_load_1min"] as? Double == 0.52)
            let loadsAfter = await api.dependencies.cache.fleetLoads
            #expect(loadsAfter - loadsBefore <= 3, "one change, \(loadsAfter - loadsBefore) reads")
        }
    }

    /// Polls `read` every 100 ms until `check` accepts its value (at most 10 s).
    func waitUntil<T>(_ read: () async throws -> T?, check: (T) -> Bool) async throws -> T {
        for _ in 0..<100 {
            if let value = try await read(), check(value) { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestEnvironmentError("the condition did not become true within 10 s")
    }
}

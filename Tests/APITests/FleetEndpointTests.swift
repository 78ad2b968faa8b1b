import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// The endpoints beyond the seed: servers, detail, filesystems, failures, alerts, runs, users filters.
@Suite(.tags(.postgres)) struct FleetEndpointTests {
    @Test func serverListHasStatusLastErrorAndNoCredentials() async throws {
        // The api connects with the secret as its database password, and the inventory hands
        // it to the storage as every server's SSH password (see APIHarness+Secret.swift).
        let api = try await APIHarness.makeHoldingTheSecret()
        try await SeededFleet.seed(api.test)
        let dump = try api.databaseDump()
        #expect(dump.contains(SeededFleet.healthy), "the dump holds the fleet")
        #expect(!dump.contains(APIHarness.plantedSecret), "an inventory password is stored in the database")
        try await api.withClient { client in
            let (status, headers, body) = try await client.get("/api/servers")
            #expect(status == .ok)
            #expect(headers[.contentType] == "application/json; charset=utf-8")
            #expect(!String(decoding: body, as: UTF8.self).contains(APIHarness.plantedSecret))
            for uri in [
                "/api/servers?include_disabled=true", "/api/servers/metrics/latest", "/api/system/overview", "/api/servers/\(SeededFleet.failing)",
                "/api/servers/\(SeededFleet.failing)/status", "/api/alerts", "/api/collector/runs", "/api/users/top", "/metrics",
            ] {
                let (answerStatus, _, answer) = try await client.get(uri)
                #expect(answerStatus == .ok, "\(uri)")
                #expect(!String(decoding: answer, as: UTF8.self).contains(APIHarness.plantedSecret), "\(uri) returns the secret")
            }
            let servers = try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
            #expect(servers.count == 6)
            let failing = try #require(servers.first { $0["name"] as? String == SeededFleet.failing })
            #expect(failing["status"] as? String == "offline")
            let error = try #require(failing["last_error"] as? [String: Any])
            #expect(error["kind"] as? String == "auth")
            #expect(error["message"] as? String == "authentication failed for user probe")
            let web = try #require(servers.first { $0["name"] as? String == SeededFleet.healthy })
            #expect(web["os_name"] as? String == "Debian GNU/Linux 12 (bookworm)")
            #expect(web["last_error"] is NSNull)
            #expect(web["cpu_cores"] as? Int == 4)
            // The headline figures of the latest sample, so a dashboard needs one request.
            #expect(web["cpu_percent"] as? Double == 14)
            #expect(web["ram_percent"] as? Double == 75)
            #expect(web["disk_percent"] as? Double == 40)
            #expect(web["load_1"] as? Double == 0.52)
            #expect(Timestamp.parse(try #require(web["collected_at"] as? String)) != nil)
            let never = try #require(servers.first { $0["name"] as? String == SeededFleet.neverCollected })
            #expect(never["cpu_percent"] is NSNull && never["collected_at"] is NSNull)

            let (_, offline) = try await client.json("/api/servers?status=offline")
            #expect(
                Set((offline as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }) == [
                    SeededFleet.stale, SeededFleet.failing, SeededFleet.neverCollected,
                ])
        }
    }

    @Test func removedServersAreListedOnlyWhenAsked() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        // The inventory loses old-host: it is disabled but keeps its history.
        let remaining = SeededFleet.names.filter { $0 != SeededFleet.stale }
        try await api.test.database.servers.sync(inventory: remaining.map { ServerConfig(name: $0, host: "127.0.0.1", username: "u", password: Secret("p")) })
        try await api.withClient { client in
            let (_, enabled) = try await client.json("/api/servers")
            #expect((enabled as? [Any])?.count == 5)
            let (_, all) = try await client.json("/api/servers?include_disabled=true")
            #expect((all as? [Any])?.count == 6)
            let (_, latest) = try await client.json("/api/servers/metrics/latest")
            #expect((latest as? [Any])?.count == 5)
            // Its history stays reachable by name.
            #expect(try await client.get("/api/servers/old-host/metrics/historical/24").status == .ok)
        }
    }

    @Test func detailHasEveryFigureAndFilesystems() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/servers/web-01")
            #expect(status == .ok)
            let detail = try #require(value as? [String: Any])
            #expect(detail["status"] as? String == "healthy")
            let latest = try #require(detail["latest"] as? [String: Any])
            #expect(latest["cpu_percent"] as? Double == 14)
            #expect(latest["memory_total_bytes"] as? Int == 16_000_000_000)
            #expect(latest["swap_used_bytes"] as? Int == 1_073_741_824)
            #expect(latest["disk_mount"] as? String == "/")
            #expect(latest["process_count"] as? Int == 234)
            let filesystems = try #require(latest["filesystems"] as? [[String: Any]])
            #expect(filesystems.map { $0["mount_point"] as? String } == ["/", "/mnt/my disk"])
            #expect(filesystems.last?["used_percent"] as? Double == 90)

            let (_, never) = try await client.json("/api/servers/new-box")
            #expect((never as? [String: Any])?["latest"] is NSNull)

            let (fsStatus, fsValue) = try await client.json("/api/servers/web-01/filesystems")
            #expect(fsStatus == .ok)
            let fs = try #require(fsValue as? [String: Any])
            #expect(fs["server_name"] as? String == "web-01")
            #expect((fs["filesystems"] as? [Any])?.count == 2)
        }
    }

    @Test func failuresAlertsAndRuns() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (_, failures) = try await client.json("/api/servers/flaky-03/failures")
            let failure = try #require((failures as? [[String: Any]])?.first)
            #expect(failure["failure_kind"] as? String == "auth")
            #expect(failure["outcome"] as? String == "failed")

            let (_, active) = try await client.json("/api/alerts")
            let alerts = try #require(active as? [[String: Any]])
            #expect(alerts.allSatisfy { $0["active"] as? Bool == true && $0["resolved_at"] is NSNull })
            #expect(
                alerts.contains {
                    $0["server_name"] as? String == SeededFleet.critical && $0["type"] as? String == "cpu" && $0["severity"] as? String == "critical"
                })
            let (_, resolved) = try await client.json("/api/alerts?state=resolved")
            #expect((resolved as? [Any])?.isEmpty == true)

            let (_, runs) = try await client.json("/api/collector/runs")
            let run = try #require((runs as? [[String: Any]])?.first)
            #expect(run["state"] as? String == "completed")
            #expect(run["duration_ms"] as? Int == 11_000)
            #expect(run["servers"] == nil)
            let id = try #require(run["run_id"] as? Int)
            let (_, detail) = try await client.json("/api/collector/runs/\(id)")
            let outcomes = try #require((detail as? [String: Any])?["servers"] as? [[String: Any]])
            #expect(outcomes.map { $0["server_name"] as? String } == [SeededFleet.failing, SeededFleet.healthy])
            #expect(outcomes.last?["failure_kind"] is NSNull)
        }
    }

    @Test func userFiltersSortAndSearchLiterally() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (_, onOne) = try await client.json("/api/users/top?server=web-01")
            #expect(Set((onOne as? [[String: Any]] ?? []).compactMap { $0["server_name"] as? String }) == ["web-01"])
            let (_, search) = try await client.json("/api/users/top?q=ALI")
            #expect(Set((search as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }) == ["alice"])
            let (_, wildcard) = try await client.json("/api/users/top?q=%25")
            #expect((wildcard as? [Any])?.isEmpty == true)
            let (_, _, byName) = try await client.get("/api/users/top?sort=username&limit=3")
            let names = try DashboardJSON.makeDecoder().decode([TopUserRecord].self, from: byName).map(\.username)
            #expect(names == [SeededFleet.hostileUser, "alice", "alice"], "\(names)")
            let (_, ascending) = try await client.json("/api/users/top?sort=cpu&order=asc&limit=2")
            #expect((ascending as? [[String: Any]])?.first?["cpu"] as? Double == 5)
            let (_, plus) = try await client.json("/api/users/top?server=db+01+%C3%BCn%C3%AFc%C3%B8d%C3%A9")
            #expect((plus as? [Any])?.count == 3)
        }
    }

    @Test func historyBucketsCarryAveragesMaximaAndRates() async throws {
        let api = try await APIHarness.make()
        let now = Date()
        try await SeededFleet.seed(api.test, now: now)
        try await api.withClient { client in
            let from = Timestamp.format(now.addingTimeInterval(-7200))
            let to = Timestamp.format(now)
            let (status, value) = try await client.json("/api/servers/web-01/metrics/history?from=\(from)&to=\(to)&step=3600")
            #expect(status == .ok)
            let history = try #require(value as? [String: Any])
            #expect(history["step_seconds"] as? Int == 3600)
            let buckets = try #require(history["buckets"] as? [[String: Any]])
            #expect(buckets.reduce(0) { $0 + ($1["samples"] as? Int ?? 0) } == 5)
            let maxima = buckets.compactMap { ($0["cpu_percent"] as? [String: Any])?["max"] as? Double }
            #expect(maxima.max() == 14)
            // 900,000 bytes received per 900 s: 1,000 bytes per second.
            let rates = buckets.compactMap { ($0["net_rx_bytes_per_second"] as? [String: Any])?["avg"] as? Double }
            #expect(!rates.isEmpty && rates.allSatisfy { abs($0 - 1000) < 0.001 })

            let (_, defaults) = try await client.json("/api/servers/web-01/metrics/history")
            #expect((defaults as? [String: Any])?["step_seconds"] as? Int == 300)
        }
    }
}

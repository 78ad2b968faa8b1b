import DashboardCore
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// The six endpoints of the original product, with their exact paths and fields.
@Suite(.tags(.postgres)) struct SeedEndpointTests {
    @Test func latestMetricsHasOneSeedRecordPerServer() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/servers/metrics/latest")
            #expect(status == .ok)
            let records = try #require(value as? [[String: Any]])
            #expect(records.map { $0["server_name"] as? String } == SeededFleet.names.sorted().map { Optional($0) })
            let keys: Set = [
                "server_name", "cpu_load_1min", "cpu_load_5min", "cpu_load_15min", "ram_percentage", "disk_percentage", "logged_users", "tcp_connections",
                "timestamp",
            ]
            for record in records { #expect(Set(record.keys) == keys) }
            let web = try #require(records.first { $0["server_name"] as? String == SeededFleet.healthy })
            #expect(web["cpu_load_1min"] as? Double == 0.52)
            #expect(web["ram_percentage"] as? Double == 75)
            #expect(web["disk_percentage"] as? Double == 40)
            #expect(web["tcp_connections"] as? Int == 42)
            #expect(Timestamp.parse(try #require(web["timestamp"] as? String)) != nil)
            let never = try #require(records.first { $0["server_name"] as? String == SeededFleet.neverCollected })
            #expect(never["timestamp"] is NSNull && never["cpu_load_1min"] is NSNull)
        }
    }

    @Test func historicalReturnsSamplesOfTheLastHoursOldestFirst() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/servers/web-01/metrics/historical/1")
            #expect(status == .ok)
            let points = try #require(value as? [[String: Any]])
            // Samples at 1, 16, 31, 46 minutes ago fall within the hour; 61 minutes ago does not.
            #expect(points.count == 4)
            for point in points { #expect(Set(point.keys) == ["timestamp", "cpu_load_5min", "ram_percentage", "disk_percentage"]) }
            let times = points.compactMap { ($0["timestamp"] as? String).flatMap(Timestamp.parse) }
            #expect(times == times.sorted() && times.count == 4)
            #expect(points.first?["cpu_load_5min"] as? Double == 0.58)
            let (_, all) = try await client.json("/api/servers/web-01/metrics/historical/2160")
            #expect((all as? [Any])?.count == 5)
        }
    }

    @Test func statusOfEveryKindOfServer() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let expected: [(String, String, String, String, String)] = [
                (SeededFleet.healthy, "healthy", "normal", "normal", "normal"),
                (SeededFleet.warning, "warning", "normal", "warning", "normal"),
                (SeededFleet.critical, "critical", "critical", "normal", "normal"),
                (SeededFleet.stale, "offline", "normal", "normal", "normal"),
                (SeededFleet.failing, "offline", "normal", "normal", "normal"),
                (SeededFleet.neverCollected, "offline", "normal", "normal", "normal"),
            ]
            for (name, status, cpu, ram, disk) in expected {
                let path = "/api/servers/\(name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)/status"
                let (code, value) = try await client.json(path)
                #expect(code == .ok, "\(name)")
                let record = try #require(value as? [String: Any])
                // The seed's fields and the two deeper statuses.
                #expect(
                    Set(record.keys) == [
                        "server_name", "status", "cpu_status", "ram_status", "disk_status", "temperature_status", "inodes_status", "last_seen",
                    ])
                #expect(record["temperature_status"] as? String == "normal" && record["inodes_status"] as? String == "normal", "\(name)")
                #expect(record["server_name"] as? String == name)
                #expect(record["status"] as? String == status, "\(name)")
                #expect(record["cpu_status"] as? String == cpu, "\(name)")
                #expect(record["ram_status"] as? String == ram, "\(name)")
                #expect(record["disk_status"] as? String == disk, "\(name)")
                #expect((record["last_seen"] is NSNull) == (name == SeededFleet.neverCollected))
            }
        }
    }

    @Test func topUsersAreSortedByCPUWithSeedFields() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/users/top")
            #expect(status == .ok)
            let rows = try #require(value as? [[String: Any]])
            #expect(rows.count == 11)
            let cpus = rows.compactMap { $0["cpu"] as? Double }
            #expect(cpus == cpus.sorted(by: >))
            for row in rows {
                #expect(Set(["username", "server_name", "cpu", "mem", "disk", "process_count", "top_process"]).isSubset(of: row.keys))
            }
            #expect(rows.first?["username"] as? String == SeededFleet.hostileUser)
            #expect(rows.first?["top_process"] as? String == SeededFleet.formulaProcess)
        }
    }

    @Test func overviewCountsAveragesAndAlerts() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/system/overview")
            #expect(status == .ok)
            let overview = try #require(value as? [String: Any])
            // The seed's keys, plus `stale_since` (null while fresh; docs/api.md "During a database outage").
            #expect(
                Set(overview.keys) == [
                    "total_servers", "online_servers", "offline_servers", "avg_cpu", "avg_ram", "avg_disk", "total_users", "alerts", "stale_since",
                ])
            #expect(overview["stale_since"] is NSNull)
            #expect(overview["total_servers"] as? Int == 6)
            #expect(overview["online_servers"] as? Int == 3)
            #expect(overview["offline_servers"] as? Int == 3)
            // Online: web-01 (cpu 14), cache-02 (20), db 01 (95).
            #expect(abs((overview["avg_cpu"] as? Double ?? 0) - (14 + 20 + 95) / 3) < 0.01)
            #expect(overview["total_users"] as? Int == 3)
            let alerts = try #require(overview["alerts"] as? [[String: Any]])
            // As in the original product, `type` is the severity; what the alert is about is `metric`.
            let triples = Set(
                alerts.compactMap { alert in
                    (alert["server"] as? String).map { "\($0)/\(alert["metric"] as? String ?? "")/\(alert["type"] as? String ?? "")" }
                })
            #expect(triples.contains("\(SeededFleet.critical)/cpu/critical"), "\(triples)")
            #expect(triples.contains("\(SeededFleet.warning)/ram/warning"), "\(triples)")
            #expect(triples.contains("\(SeededFleet.failing)/offline/critical"), "\(triples)")
            for alert in alerts {
                #expect(Set(alert.keys) == ["server", "type", "metric", "message"])
                #expect(["warning", "critical"].contains(alert["type"] as? String ?? ""))
            }
        }
    }

    @Test func healthReportsTheDatabase() async throws {
        let api = try await APIHarness.make()
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/health")
            #expect(status == .ok)
            let health = try #require(value as? [String: Any])
            #expect(health["status"] as? String == "healthy")
            #expect(Timestamp.parse(try #require(health["timestamp"] as? String)) != nil)
            #expect(health["database"] as? String == "reachable")
        }
    }
}

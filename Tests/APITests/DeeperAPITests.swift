import DashboardCore
import DashboardExport
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// The deeper probe's figures on the api (docs/api.md): processes, containers, failed units and
/// inodes on `/api/servers/{name}`, the change events route with its window, limit and errors,
/// the `/metrics` gauges, the history exports' new columns, and hostile host text inert in each.
@Suite(.tags(.postgres)) struct DeeperAPITests {
    static func encoded(_ name: String) -> String { name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test func theDetailCarriesProcessesContainersFailedUnitsAndInodesNullAndEmptyApart() async throws {
        let api = try await APIHarness.make()
        try await DeeperFleet.seed(api.test.database, now: Date())
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/servers/\(DeeperFleet.deep)")
            #expect(status == .ok)
            let latest = try #require((value as? [String: Any])?["latest"] as? [String: Any])
            #expect(latest["temperature_celsius"] as? Double == 71.5)
            #expect((latest["inodes_percent"] as? Double).map { abs($0 - 91.2345) < 0.001 } == true)
            let processes = try #require(latest["top_processes"] as? [[String: Any]])
            #expect(processes.count == 2)
            #expect(processes.first?["command"] as? String == DeeperFleet.hostileCommand)
            #expect(processes.first?["cpu_percent"] as? Double == 88.46)
            #expect(processes.first?["pid"] as? Int == 4242)
            let containers = try #require(latest["containers"] as? [[String: Any]])
            #expect(Set(containers.compactMap { $0["name"] as? String }) == [DeeperFleet.hostileContainer, "batch", "worker"])
            let batch = try #require(containers.first { $0["name"] as? String == "batch" })
            #expect(batch["exit_code"] as? Int == 1 && batch["restart_count"] as? Int == 3 && batch["state"] as? String == "exited")
            #expect(batch["cpu_percent"] is NSNull && batch["memory_bytes"] is NSNull)
            #expect(latest["failed_units"] as? [String] == [DeeperFleet.hostileUnit, "backup.service"])
            let root = try #require((latest["filesystems"] as? [[String: Any]])?.first)
            #expect(root["inodes_total"] as? Int == 1_000_000 && root["inodes_used"] as? Int == 912_345)
            #expect(root["inodes_percent"] as? Double == 91.23)
            let other = try #require((latest["filesystems"] as? [[String: Any]])?.last)
            #expect(other["inodes_total"] is NSNull && other["inodes_percent"] is NSNull)

            // Read, none: empty lists. Not reported: null.
            let bare = try #require(try await client.json("/api/servers/\(DeeperFleet.bare)").value as? [String: Any])
            let bareLatest = try #require(bare["latest"] as? [String: Any])
            #expect((bareLatest["top_processes"] as? [Any])?.isEmpty == true)
            #expect((bareLatest["containers"] as? [Any])?.isEmpty == true)
            #expect((bareLatest["failed_units"] as? [Any])?.isEmpty == true)
            #expect(bareLatest["temperature_celsius"] is NSNull)
            let old = try #require(try await client.json("/api/servers/\(SeededFleet.healthy)").value as? [String: Any])
            let oldLatest = try #require(old["latest"] as? [String: Any])
            #expect(oldLatest["top_processes"] is NSNull && oldLatest["containers"] is NSNull && oldLatest["failed_units"] is NSNull)

            // The status route says which deeper figure coloured the server: inode use 91.2 % is critical, 71.5 °C normal.
            let colours = try #require(try await client.json("/api/servers/\(DeeperFleet.deep)/status").value as? [String: Any])
            #expect(colours["status"] as? String == "critical" && colours["inodes_status"] as? String == "critical")
            #expect(colours["temperature_status"] as? String == "normal" && colours["disk_status"] as? String != "critical")

            // The hostile text is JSON-escaped, never raw markup breaking out of a string.
            let (_, _, body) = try await client.get("/api/servers/\(DeeperFleet.deep)")
            let text = String(decoding: body, as: UTF8.self)
            #expect(text.contains(#"alert(\"p\")"#))
            #expect(!text.contains("\"q\"\""))
        }
    }

    @Test func theEventsRouteListsNewestFirstWithinItsWindowAndLimit() async throws {
        let api = try await APIHarness.make()
        let now = Date()
        try await DeeperFleet.seed(api.test.database, now: now)
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/servers/\(DeeperFleet.deep)/events")
            #expect(status == .ok)
            let events = try #require(value as? [[String: Any]])
            // The default window is the last 30 days: the 40-day-old OS change is left out.
            #expect(events.compactMap { $0["kind"] as? String } == ["kernel_changed", "reboot", "new_user", "host_key_changed"])
            #expect(events.allSatisfy { Set($0.keys) == ["kind", "at", "previous", "current"] })
            #expect(events[0]["current"] as? String == DeeperFleet.hostileKernel)
            #expect(events[2]["previous"] is NSNull && events[3]["current"] is NSNull)
            let times = events.compactMap { ($0["at"] as? String).flatMap(Timestamp.parse) }
            #expect(times.count == 4 && times == times.sorted(by: >))

            let limited = try #require(try await client.json("/api/servers/\(DeeperFleet.deep)/events?limit=2").value as? [[String: Any]])
            #expect(limited.compactMap { $0["kind"] as? String } == ["kernel_changed", "reboot"])
            let from = Timestamp.format(now.addingTimeInterval(-50 * 86_400))
            let to = Timestamp.format(now.addingTimeInterval(-5 * 86_400))
            let window = try #require(try await client.json("/api/servers/\(DeeperFleet.deep)/events?from=\(from)&to=\(to)").value as? [[String: Any]])
            #expect(window.compactMap { $0["kind"] as? String } == ["host_key_changed", "os_changed"])
            let none = try #require(try await client.json("/api/servers/\(DeeperFleet.bare)/events").value as? [Any])
            #expect(none.isEmpty)

            for (uri, parameter) in [
                ("/api/servers/\(DeeperFleet.deep)/events?limit=0", "limit"), ("/api/servers/\(DeeperFleet.deep)/events?limit=1001", "limit"),
                ("/api/servers/\(DeeperFleet.deep)/events?limit=ten", "limit"), ("/api/servers/\(DeeperFleet.deep)/events?from=yesterday", "from"),
                ("/api/servers/\(DeeperFleet.deep)/events?from=\(to)&to=\(from)", "from"),
                ("/api/servers/\(DeeperFleet.deep)/events?from=1900-01-01T00:00:00Z", "from"),
                ("/api/servers/\(DeeperFleet.deep)/events?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from"),
            ] {
                let (status, value) = try await client.json(uri)
                #expect(status == .badRequest, "\(uri)")
                let error = try #require(ErrorAnswer(value), "\(uri): \(value)")
                #expect(error.code == "BAD_PARAMETER" && error.message.contains(parameter), "\(uri): \(error.message)")
            }
            let (missing, missingValue) = try await client.json("/api/servers/nope/events")
            #expect(missing == .notFound)
            #expect(ErrorAnswer(missingValue)?.code == "SERVER_NOT_FOUND")
        }
        // Recorded at most 1000 per answer.
        let ids = try await api.test.database.servers.sync(inventory: [ServerConfig(name: "busy", host: "127.0.0.7", username: "probe")])
        for index in 0..<1005 {
            try await api.test.database.changeEvents.record(
                ChangeEvent(kind: .newUser, at: now.addingTimeInterval(-Double(index)), current: "user\(index)"), serverID: ids["busy"]!)
        }
        try await api.withClient { client in
            let all = try #require(try await client.json("/api/servers/busy/events?limit=1000").value as? [[String: Any]])
            #expect(all.count == 1000 && all.first?["current"] as? String == "user0")
            let defaults = try #require(try await client.json("/api/servers/busy/events").value as? [Any])
            #expect(defaults.count == 100)
        }
    }

    @Test func theEventsRouteAnswers503WhileTheDatabaseIsAway() async throws {
        let api = try await APIHarness.make(databaseURL: "postgresql://nobody:none@127.0.0.1:\(try unusedPort())/none?connect_timeout=2")
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/servers/web-01/events")
            #expect(status == .serviceUnavailable)
            #expect(ErrorAnswer(value) != nil)
        }
    }

    @Test func metricsExportFailedUnitsContainersTemperatureAndInodesWithInertLabels() async throws {
        let api = try await APIHarness.make()
        try await DeeperFleet.seed(api.test.database, now: Date())
        let server = [(name: "server", value: DeeperFleet.deep)]
        var exposition = PrometheusExposition()
        try PrometheusController.declareDeeper(in: &exposition)
        let sample = DeeperFleet.deepSample(at: Date())
        try PrometheusController.appendDeeper(sample, containers: sample.containers, server: server, to: &exposition)
        let direct = exposition.text()
        #expect(direct.contains("server_dashboard_failed_units{server=\"deep-08\"} 2\n"))
        #expect(direct.contains("server_dashboard_containers{server=\"deep-08\",state=\"running\"} 1\n"))
        #expect(direct.contains("server_dashboard_containers{server=\"deep-08\",state=\"exited\"} 1\n"))
        #expect(direct.contains("server_dashboard_containers{server=\"deep-08\",state=\"dead\"} 0\n"))
        #expect(direct.contains(#"server_dashboard_container_up{server="deep-08",container="evil\"name\\<b>x</b>"} 1"#), "\(direct)")
        #expect(direct.contains("server_dashboard_container_up{server=\"deep-08\",container=\"batch\"} 0\n"))
        try Self.expectPromtoolAccepts(direct)

        // At most 50 container series per server, names cleaned and bounded, duplicates once.
        var crowded = DeeperFleet.deepSample(at: Date())
        crowded.containers = (0..<80).map { ContainerInfo(name: "c\($0 % 60)\u{7}" + String(repeating: "x", count: 300), image: "i", state: "running") }
        var bounded = PrometheusExposition()
        try PrometheusController.declareDeeper(in: &bounded)
        try PrometheusController.appendDeeper(crowded, containers: crowded.containers, server: server, to: &bounded)
        let lines = bounded.text().split(separator: "\n").filter { $0.hasPrefix("server_dashboard_container_up{") }
        #expect(lines.count == 50)
        #expect(lines.allSatisfy { !$0.contains("\u{7}") && $0.utf8.count < 300 })
        try Self.expectPromtoolAccepts(bounded.text())

        try await api.withClient { client in
            let (status, _, body) = try await client.get("/metrics")
            #expect(status == .ok)
            let text = String(decoding: body, as: UTF8.self)
            #expect(text.contains("server_dashboard_temperature_celsius{server=\"deep-08\"} 71.5\n"), "\(text.prefix(3000))")
            #expect(text.contains("server_dashboard_inodes_used_percent{server=\"deep-08\"} 91.234"))
            #expect(text.contains("server_dashboard_failed_units{server=\"deep-08\"} 2\n"))
            #expect(text.contains("server_dashboard_failed_units{server=\"bare-09\"} 0\n"))
            #expect(!text.contains("server_dashboard_failed_units{server=\"web-01\"}"), "not reported (null): no series")
            // The containers of each latest sample, read in one query beside the fleet.
            #expect(text.contains("server_dashboard_container_up{server=\"deep-08\",container=\"batch\"} 0\n"))
            #expect(text.contains(#"server_dashboard_container_up{server="deep-08",container="evil\"name\\<b>x</b>"} 1"#))
            #expect(text.contains("server_dashboard_containers{server=\"deep-08\",state=\"exited\"} 1\n"))
            #expect(!text.contains("<img"))
            try Self.expectPromtoolAccepts(text)
        }
        // The fleet read leaves containers out; a list by server id stands in for them.
        let fleet = try await api.test.database.metrics.latest()
        let deepID = try #require(fleet.first { $0.server.name == DeeperFleet.deep }?.server.id)
        var whole = PrometheusExposition()
        try PrometheusController.appendFleet(
            fleet, to: &whole, classifier: api.dependencies.settings.classifier, now: Date(), containers: [deepID: sample.containers ?? []])
        let wholeText = whole.text()
        #expect(wholeText.contains("server_dashboard_container_up{server=\"deep-08\",container=\"batch\"} 0\n"))
        #expect(!wholeText.contains("server_dashboard_containers{server=\"bare-09\""), "not in the list: its sample's own (nil on the fleet read)")
        try Self.expectPromtoolAccepts(wholeText)
    }

    @Test func historyExportsCarryTemperatureAndInodesForAHostileName() async throws {
        let api = try await APIHarness.make()
        let now = Date()
        try await DeeperFleet.seed(api.test.database, now: now)
        let name = Self.encoded(DeeperFleet.deep)
        let hostile = Self.encoded(SeededFleet.critical)
        let query = "from=\(Timestamp.format(now.addingTimeInterval(-3600)))&to=\(Timestamp.format(now))&step=3600"
        try await api.withClient { client in
            let (status, _, body) = try await client.get("/api/servers/\(name)/metrics/history.csv?\(query)")
            #expect(status == .ok)
            let lines = String(decoding: body, as: UTF8.self).replacing("\u{FEFF}", with: "").split(separator: "\r\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
            let header = try #require(lines.first)
            let temperature = try #require(header.firstIndex(of: "temperature_celsius_avg"))
            let inodes = try #require(header.firstIndex(of: "inodes_percent_max"))
            // The two samples (10 min and 30 s ago) fall into one epoch-aligned hour, or two when an hour began between them.
            let hours = Set([-600.0, -30.0].map { Int((now.timeIntervalSince1970 + $0) / 3600) })
            #expect(lines.count == 1 + hours.count)
            for row in lines.dropFirst() {
                #expect(Double(row[temperature]) == 71.5)
                #expect(Double(row[inodes]).map { abs($0 - 91.2345) < 0.001 } == true)
            }

            let (xlsxStatus, headers, workbook) = try await client.get("/api/servers/\(hostile)/metrics/history.xlsx?\(query)")
            #expect(xlsxStatus == .ok)
            #expect(headers[.contentDisposition]?.contains("filename=\"db_01__n_c_d_-history-") == true)
            let (rows, xml, _) = try HistoryXLSXTests.cells(ofWorkbook: workbook)
            #expect(!xml.contains("<f>"))
            let titles = rows[0].values.compactMap(\.text)
            #expect(titles.contains("temperature_celsius_avg") && titles.contains("inodes_percent_max"))
            let (csvStatus, _, csv) = try await client.get("/api/servers/\(hostile)/metrics/history.csv?\(query)")
            #expect(csvStatus == .ok && !String(decoding: csv, as: UTF8.self).contains("<script"))
        }
    }

    /// `promtool check metrics` on `text` when the tool is there (scripts/install-deps.sh puts it in
    /// .build-tools/promtool; required in CI).
    static func expectPromtoolAccepts(_ text: String) throws {
        let environment = ProcessInfo.processInfo.environment
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build-tools/promtool/promtool").standardized
            .path
        let tool = environment["SD_PROMTOOL"].flatMap { $0.isEmpty ? nil : $0 } ?? bundled
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            #expect(environment["CI"] != "true", "promtool is missing at \(tool): run scripts/install-deps.sh")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool check metrics: \(report)")
    }
}

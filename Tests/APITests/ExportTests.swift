import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import ZIPFoundation

@testable import API

/// CSV and XLSX downloads: content type, attachment name, and hostile text made inert.
@Suite(.tags(.postgres)) struct ExportTests {
    @Test func usersCSVIsAnAttachmentWithFormulasNeutralised() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (status, headers, body) = try await client.get("/api/users/top.csv?server=db+01+%C3%BCn%C3%AFc%C3%B8d%C3%A9")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/csv; charset=utf-8")
            let disposition = try #require(headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment; filename=\"top-users-") && disposition.contains(".csv\""))
            let text = String(decoding: body, as: UTF8.self)
            let lines = text.split(separator: "\r\n")
            #expect(lines.first?.hasSuffix("username,server_name,cpu_percent,mem_percent,home_bytes,process_count,top_process,collected_at") == true)
            #expect(lines.count == 4)
            // The hostile process name starts with '=': prefixed with a quote so no spreadsheet runs it.
            #expect(text.contains(",'=cmd|' /C calc'!A0,"))
            #expect(!text.contains(",=cmd"))
            #expect(text.contains("<script>alert(1)</script>,db 01 ünïcødé,99"))
        }
    }

    @Test func usersWorkbookIsARealXLSX() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (status, headers, body) = try await client.get("/api/users/top.xlsx?sort=username")
            #expect(status == .ok)
            #expect(headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(headers[.contentDisposition]?.contains(".xlsx\"") == true)
            let archive = try Archive(data: body, accessMode: .read)
            let sheetEntry = try #require(archive["xl/worksheets/sheet1.xml"])
            var sheet = Data()
            _ = try archive.extract(sheetEntry) { sheet.append($0) }
            let xml = String(decoding: sheet, as: UTF8.self)
            #expect(xml.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(xml.contains("=cmd|&apos; /C calc&apos;!A0") || xml.contains("=cmd|' /C calc'!A0"))
            #expect(!xml.contains("<f>"))
            #expect(archive["[Content_Types].xml"] != nil && archive["xl/workbook.xml"] != nil)
        }
    }

    @Test func historyCSVHasOneRowPerBucket() async throws {
        let api = try await APIHarness.make()
        let now = Date()
        try await SeededFleet.seed(api.test, now: now)
        try await api.withClient { client in
            let from = Timestamp.format(now.addingTimeInterval(-7200))
            let (status, headers, body) = try await client.get("/api/servers/db%2001%20%C3%BCn%C3%AFc%C3%B8d%C3%A9/metrics/history.csv?from=\(from)&step=900")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/csv; charset=utf-8")
            let disposition = try #require(headers[.contentDisposition])
            #expect(disposition.contains("filename=\"db_01__n_c_d_-history-"))
            #expect(disposition.contains("filename*=UTF-8''db%2001%20%C3%BCn"))
            let lines = String(decoding: body, as: UTF8.self).split(separator: "\r\n")
            #expect(lines.first?.contains("bucket_start,samples,cpu_percent_avg,cpu_percent_max") == true)
            #expect(lines.count == 2)
            #expect(lines.last?.contains(",1,95,95,") == true)
            #expect(try await client.get("/api/servers/nope/metrics/history.csv").status == .notFound)
        }
    }
}

/// The disk-full forecast and the Prometheus exposition.
@Suite(.tags(.postgres)) struct ForecastAndMetricsTests {
    @Test func forecastFitsTheRecentTrendOfEveryMountedFilesystem() async throws {
        let api = try await APIHarness.make()
        let ids = try await api.test.addServers(1, prefix: "filling")
        let id = try #require(ids["filling-000"])
        let now = Date()
        // The root grows by 1 GiB a day on a 100 GiB disk half full; the data disk stays flat.
        let gib: Int64 = 1 << 30
        for hour in stride(from: 72, through: 0, by: -6) {
            let time = now.addingTimeInterval(-Double(hour) * 3600)
            let used = 50 * gib - Int64(hour) * gib / 24
            var sample = makeSample(at: time)
            sample.filesystems = [
                FilesystemUsage(mountPoint: "/", device: "/dev/vda1", sizeBytes: 100 * gib, usedBytes: used, availableBytes: 100 * gib - used),
                FilesystemUsage(mountPoint: "/data", device: "/dev/vdb1", sizeBytes: 10 * gib, usedBytes: gib, availableBytes: 9 * gib),
            ]
            try await api.test.database.samples.store(sample, serverID: id)
        }
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/servers/filling-000/forecast")
            #expect(status == .ok)
            let forecast = try #require(value as? [String: Any])
            #expect(forecast["window_days"] as? Int == 7)
            let filesystems = try #require(forecast["filesystems"] as? [[String: Any]])
            let root = try #require(filesystems.first { $0["mount_point"] as? String == "/" })
            #expect(root["trend"] as? String == "filling")
            let days = try #require(root["days_until_full"] as? Double)
            #expect(abs(days - 50) < 0.5, "\(days)")
            #expect(root["samples"] as? Int == 13)
            let data = try #require(filesystems.first { $0["mount_point"] as? String == "/data" })
            #expect(data["trend"] as? String == "stable")
            #expect(data["days_until_full"] is NSNull)
        }
    }

    @Test func metricsExposeEveryServerWithEscapedLabels() async throws {
        let api = try await APIHarness.make()
        let tricky = "quote\" back\\slash"
        try await SeededFleet.seed(api.test)
        let ids = try await api.test.database.servers.sync(
            inventory: (SeededFleet.names + [tricky]).map {
                ServerConfig(name: $0, host: "127.0.0.1", username: "u", password: Secret("never-returned-secret"))
            })
        try await api.test.database.samples.store(makeSample(at: Date().addingTimeInterval(-5), cpu: 33), serverID: ids[tricky]!)
        try await api.withClient { client in
            let (status, headers, body) = try await client.get("/metrics")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(decoding: body, as: UTF8.self)
            #expect(text.contains("# TYPE server_dashboard_cpu_percent gauge"))
            #expect(text.contains("server_dashboard_cpu_percent{server=\"quote\\\" back\\\\slash\"} 33\n"))
            #expect(text.contains("server_dashboard_up{server=\"web-01\"} 1\n"))
            #expect(text.contains("server_dashboard_up{server=\"old-host\"} 0\n"))
            #expect(text.contains("server_dashboard_status{server=\"db 01 ünïcødé\",status=\"critical\"} 1\n"))
            #expect(text.contains("server_dashboard_filesystem_used_bytes{server=\"web-01\",mountpoint=\"/mnt/my disk\",device=\"/dev/vdb1\"} 900\n"))
            #expect(text.contains("server_dashboard_servers{status=\"offline\"} 3\n"))
            #expect(text.contains("server_dashboard_database_up 1\n"))
            #expect(text.contains("server_dashboard_last_collection_age_seconds{server=\"web-01\"}"))
            #expect(!text.contains("never-returned-secret"))
            // Every sample line is name{labels} value or name value.
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                #expect(line.split(separator: " ").count >= 2, "\(line)")
            }
        }
    }
}

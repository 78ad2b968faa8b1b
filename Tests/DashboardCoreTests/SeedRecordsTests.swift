import Foundation
import Testing

@testable import DashboardCore

/// The seed-compatible JSON documents: exact keys, `null` for what is unknown, UTC timestamps.
@Suite struct SeedRecordsTests {
    private let collectedAt = Date(timeIntervalSince1970: 1_764_084_313.25)

    private func json(_ value: some Encodable) throws -> String {
        String(decoding: try DashboardJSON.makeEncoder().encode(value), as: UTF8.self)
    }

    private func keys(_ value: some Encodable) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: try DashboardJSON.makeEncoder().encode(value)) as? [String: Any]
        return try #require(object).keys.sorted()
    }

    @Test func latestMetricsRecordOfASample() throws {
        let sample = MetricSample(
            collectedAt: collectedAt, load1: 0.52, load5: 0.58, load15: 0.59,
            memoryTotalBytes: 3000, memoryAvailableBytes: 1000,
            filesystems: [FilesystemUsage(mountPoint: "/", device: "/dev/sda1", sizeBytes: 900, usedBytes: 200, availableBytes: 700)],
            loggedUsers: 2, tcpConnections: 17
        )
        let record = LatestMetricsRecord(ServerSnapshot(server: Server(id: 1, name: "web-01", host: "h"), latest: sample))
        #expect(
            try keys(record) == [
                "cpu_load_15min", "cpu_load_1min", "cpu_load_5min", "disk_percentage", "logged_users", "ram_percentage",
                "server_name", "tcp_connections", "timestamp",
            ])
        // RAM 2000/3000 and disk 200/900 rounded to two decimals.
        #expect(
            try json(record) == """
                {"cpu_load_15min":0.59,"cpu_load_1min":0.52,"cpu_load_5min":0.58,"disk_percentage":22.22,"logged_users":2,\
                "ram_percentage":66.67,"server_name":"web-01","tcp_connections":17,"timestamp":"2025-11-25T15:25:13.250Z"}
                """)
    }

    @Test func latestMetricsRecordWithoutASampleIsAllNull() throws {
        let record = LatestMetricsRecord(ServerSnapshot(server: Server(id: 1, name: "new", host: "h"), latest: nil))
        #expect(
            try json(record) == """
                {"cpu_load_15min":null,"cpu_load_1min":null,"cpu_load_5min":null,"disk_percentage":null,"logged_users":null,\
                "ram_percentage":null,"server_name":"new","tcp_connections":null,"timestamp":null}
                """)
    }

    @Test func historicalPoint() throws {
        let point = HistoricalPoint(timestamp: collectedAt, cpuLoad5min: 1.5, ramPercentage: nil, diskPercentage: 42)
        #expect(try json(point) == #"{"cpu_load_5min":1.5,"disk_percentage":42,"ram_percentage":null,"timestamp":"2025-11-25T15:25:13.250Z"}"#)
    }

    @Test func serverStatusRecord() throws {
        let report = StatusReport(status: .warning, cpu: .warning, ram: .normal, disk: .critical, temperature: .warning)
        let record = ServerStatusRecord(serverName: "db", report: report, lastSeen: nil)
        #expect(
            try json(record)
                == #"{"cpu_status":"warning","disk_status":"critical","inodes_status":"normal","last_seen":null,"ram_status":"normal","#
                + #""server_name":"db","status":"warning","temperature_status":"warning"}"#)
        // A seed-shaped record (without the deeper statuses) still reads, with them normal.
        let seed = #"{"cpu_status":"warning","disk_status":"critical","last_seen":null,"ram_status":"normal","server_name":"db","status":"warning"}"#
        let decoded = try JSONDecoder().decode(ServerStatusRecord.self, from: Data(seed.utf8))
        #expect(decoded.temperatureStatus == .normal && decoded.inodesStatus == .normal && decoded.diskStatus == .critical)
    }

    @Test func topUserRecordKeepsHostileTextAsText() throws {
        let record = TopUserRecord(
            username: "mallory", serverName: "web/01", cpu: 150.2, mem: 9.9, disk: nil, processCount: 3, topProcess: "'; DROP TABLE servers; --</script>")
        // Slashes are not escaped; the quote and the tag are plain JSON string content.
        #expect(
            try json(record)
                == #"{"cpu":150.2,"disk":null,"mem":9.9,"process_count":3,"server_name":"web/01","timestamp":null,"top_process":"'; DROP TABLE servers; --</script>","username":"mallory"}"#
        )
        let withHome = TopUserRecord(username: "a", serverName: "s", cpu: 0, mem: 0, disk: 4_194_304, processCount: 1, topProcess: nil, timestamp: collectedAt)
        #expect(try keys(withHome) == ["cpu", "disk", "mem", "process_count", "server_name", "timestamp", "top_process", "username"])
        #expect(try json(withHome).contains(#""disk":4194304"#))
        #expect(try json(withHome).contains(#""top_process":null"#))
    }

    @Test func recordsDecodeWhatTheyEncode() throws {
        let record = TopUserRecord(username: "a", serverName: "s", cpu: 1.25, mem: 2, disk: 10, processCount: 1, topProcess: "x", timestamp: collectedAt)
        let data = try DashboardJSON.makeEncoder().encode(record)
        #expect(try DashboardJSON.makeDecoder().decode(TopUserRecord.self, from: data) == record)
        let point = HistoricalPoint(timestamp: collectedAt, cpuLoad5min: nil, ramPercentage: 1, diskPercentage: nil)
        #expect(try DashboardJSON.makeDecoder().decode(HistoricalPoint.self, from: DashboardJSON.makeEncoder().encode(point)) == point)
    }

    @Test func aTimestampThatIsNotISO8601IsRejected() {
        let text = #"{"cpu_load_5min":null,"disk_percentage":null,"ram_percentage":null,"timestamp":"yesterday"}"#
        #expect(throws: DecodingError.self) {
            try DashboardJSON.makeDecoder().decode(HistoricalPoint.self, from: Data(text.utf8))
        }
    }
}

import Foundation
import Testing

@testable import DashboardCore

@Suite struct OverviewSummaryTests {
    private func snapshot(_ name: String, cpu: Double?, at date: Date?, failedAt: Date? = nil) -> ServerSnapshot {
        let server = Server(
            id: 1, name: name, host: "h", lastAttemptAt: failedAt ?? date,
            lastError: failedAt == nil ? nil : CollectionFailure(kind: .timeout, message: "timed out"))
        let sample = date.map {
            MetricSample(
                collectedAt: $0, cpuPercent: cpu, memoryTotalBytes: 100, memoryAvailableBytes: 50,
                filesystems: [FilesystemUsage(mountPoint: "/", device: "/dev/sda1", sizeBytes: 100, usedBytes: 30, availableBytes: 70)])
        }
        return ServerSnapshot(server: server, latest: sample)
    }

    @Test func averagesOnlyOnlineServers() {
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        let snapshots = [
            snapshot("a", cpu: 10, at: now.addingTimeInterval(-60)),
            snapshot("b", cpu: 20.555, at: now.addingTimeInterval(-120)),
            snapshot("stale", cpu: 99, at: now.addingTimeInterval(-3 * 3600)),
            snapshot("failed", cpu: 99, at: now.addingTimeInterval(-900), failedAt: now.addingTimeInterval(-60)),
            snapshot("never", cpu: nil, at: nil),
        ]
        let alert = Alert(id: 1, serverName: "failed", type: .offline, severity: .critical, message: "failed is offline", openedAt: now)
        let overview = Overview(snapshots: snapshots, classifier: StatusClassifier(), activeAlerts: [alert], activeUsers: 7, now: now)
        #expect(overview.totalServers == 5)
        #expect(overview.onlineServers == 2)
        #expect(overview.offlineServers == 3)
        #expect(overview.avgCPU == 15.28)
        #expect(overview.avgRAM == 50)
        #expect(overview.avgDisk == 30)
        #expect(overview.totalUsers == 7)
        #expect(overview.alerts == [Overview.AlertSummary(server: "failed", type: "critical", metric: "offline", message: "failed is offline")])
    }

    /// The seed's keys, plus `stale_since` (null while the figures are fresh; docs/api.md "During a database outage").
    @Test func encodesTheSeedShape() throws {
        let overview = Overview(snapshots: [], classifier: StatusClassifier(), activeAlerts: [], activeUsers: 0)
        let json = try #require(String(data: DashboardJSON.makeEncoder().encode(overview), encoding: .utf8))
        #expect(
            json
                == #"{"alerts":[],"avg_cpu":0,"avg_disk":0,"avg_ram":0,"offline_servers":0,"online_servers":0,"#
                + #""stale_since":null,"total_servers":0,"total_users":0}"#)
    }
}

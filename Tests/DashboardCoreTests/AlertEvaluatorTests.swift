import Foundation
import Testing

@testable import DashboardCore

@Suite struct AlertEvaluatorTests {
    let evaluator = AlertEvaluator(thresholds: .defaults)

    private func sample(cpu: Double, ramUsedPercent: Double, diskUsed: Int64) -> MetricSample {
        MetricSample(
            collectedAt: Date(timeIntervalSince1970: 0), cpuPercent: cpu,
            memoryTotalBytes: 1000, memoryAvailableBytes: Int64(1000 - ramUsedPercent * 10),
            filesystems: [FilesystemUsage(mountPoint: "/", device: "/dev/sda1", sizeBytes: 100, usedBytes: diskUsed, availableBytes: 100 - diskUsed)]
        )
    }

    @Test func metricsAtWarningOrCriticalOpenAndNormalOnesResolve() {
        let decisions = evaluator.decisions(for: sample(cpu: 95, ramUsedPercent: 85, diskUsed: 10), serverName: "web-01")
        #expect(
            decisions == [
                .resolve(.offline), .resolve(.hostKey),
                .open(.cpu, .critical, message: "web-01: CPU at 95% (critical threshold 90%)", value: 95),
                .open(.ram, .warning, message: "web-01: RAM at 85% (warning threshold 80%)", value: 85),
                .resolve(.disk),
            ])
    }

    @Test func thresholdEdgesCountAsReached() {
        let decisions = evaluator.decisions(for: sample(cpu: 70, ramUsedPercent: 95, diskUsed: 90), serverName: "s")
        #expect(decisions.contains(.open(.cpu, .warning, message: "s: CPU at 70% (warning threshold 70%)", value: 70)))
        #expect(decisions.contains(.open(.ram, .critical, message: "s: RAM at 95% (critical threshold 95%)", value: 95)))
        #expect(decisions.contains(.open(.disk, .critical, message: "s: disk (/) at 90% (critical threshold 90%)", value: 90)))
    }

    @Test func failuresOpenOfflineOrSecurityAlertsAndLeaveMetricsAlone() {
        #expect(
            evaluator.decisions(for: CollectionFailure(kind: .timeout, message: "no answer"), serverName: "db") == [
                .open(.offline, .critical, message: "db is offline (timeout): no answer", value: nil)
            ])
        let hostKey = evaluator.decisions(for: CollectionFailure(kind: .hostKey, message: "key changed"), serverName: "db")
        #expect(hostKey.count == 1)
        if case .open(let type, let severity, _, _) = hostKey[0] {
            #expect(type == .hostKey && severity == .critical)
        } else {
            Issue.record("expected an open decision")
        }
        #expect(evaluator.decisions(for: CollectionFailure(kind: .storage, message: "db down"), serverName: "db").isEmpty)
    }
}

@Suite struct ShardTests {
    @Test func parsesOnlyValidShards() {
        let first = Shard("1/4")
        #expect(first?.index == 1)
        #expect(first?.count == 4)
        #expect(first?.description == "1/4")
        #expect(Shard("4/4")?.index == 4)
        #expect(Shard("4/4")?.count == 4)
        #expect(Shard("1/1")?.count == 1)
        #expect(Shard("1/4") != Shard("2/4"))
        for bad in ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/2", ""] {
            #expect(Shard(bad) == nil, "\(bad)")
        }
    }

    @Test func everyServerLandsInExactlyOneShardAndStaysThere() throws {
        let names = (0..<1000).map { "server-\($0)" }
        let shards = try (1...4).map { try #require(Shard("\($0)/4")) }
        var sizes = [0, 0, 0, 0]
        for name in names {
            let owners = shards.indices.filter { shards[$0].contains(name) }
            #expect(owners.count == 1)
            sizes[owners[0]] += 1
        }
        #expect(sizes.allSatisfy { $0 > 200 }, "roughly even: \(sizes)")
        // Stable: a known name maps to a fixed shard in every process and release.
        #expect(StableHash.fnv1a("web-01") == 0x6c05_9e39_e78a_fe07)
        #expect(Shard("4/4")?.contains("web-01") == true)
        #expect(StableHash.fnv1a("") == 0xcbf2_9ce4_8422_2325)
    }
}

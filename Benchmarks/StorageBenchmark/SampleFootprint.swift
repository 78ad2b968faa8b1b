import DashboardCore
import DashboardStorage
import Foundation

/// Bytes on disk per stored sample (heap, TOAST and indexes of every per-sample table), before
/// and after the deeper monitoring fields: samples stored through `SampleRepository` as the
/// collector stores them, for a server of their own, and the tables' growth divided by their
/// number. `BENCH_FOOTPRINT_SAMPLES` per shape (default 2,000).
enum SampleFootprint {
    /// The tables a stored sample writes to.
    static let tables = ["server_metrics", "filesystems", "top_users", "sample_processes", "sample_containers", "known_users"]

    /// Stores `count` samples of each shape and prints the bytes per sample, per table and in all.
    static func report(_ database: Database, count: Int, now: Date) async throws {
        // Added, not synced: syncing an inventory would disable the seeded servers.
        var ids: [String: Int64] = [:]
        for name in ["footprint-before", "footprint-after"] {
            ids[name] = try await database.servers.ensure(name: name, host: "127.0.0.1", port: 22)
        }
        var results: [(label: String, bytes: [String: Double])] = []
        for (label, deeper) in [("before (no deeper fields)", false), ("after (10 processes, 3 containers, units, inodes)", true)] {
            let serverID = try requireValue(ids[deeper ? "footprint-after" : "footprint-before"])
            try await database.pool.query("VACUUM ANALYZE")
            let start = try await sizes(database)
            for index in 0..<count {
                let at = now.addingTimeInterval(Double(index - count) * 900)
                try await database.samples.store(sample(at: at, index: index, deeper: deeper), serverID: serverID)
            }
            try await database.pool.query("VACUUM ANALYZE")
            let end = try await sizes(database)
            var perSample: [String: Double] = [:]
            for table in tables { perSample[table] = Double((end[table] ?? 0) - (start[table] ?? 0)) / Double(count) }
            results.append((label, perSample))
        }
        print("bytes per stored sample (\(count) samples each, heap + TOAST + indexes):")
        for (label, bytes) in results {
            let parts = tables.map { "\($0) \(Int(bytes[$0] ?? 0))" }.joined(separator: ", ")
            print("    \(label): \(Int(bytes.values.reduce(0, +))) B  [\(parts)]")
        }
    }

    /// Each table's total size in bytes.
    static func sizes(_ database: Database) async throws -> [String: Int64] {
        var sizes: [String: Int64] = [:]
        for table in tables {
            let result = try await database.pool.query("SELECT pg_total_relation_size(\(table)::regclass) AS bytes")
            sizes[table] = try result.first?.require("bytes") ?? 0
        }
        return sizes
    }

    /// A typical sample: 3 filesystems and 10 users; with `deeper`, also 10 processes with
    /// ~60-byte command lines, 3 containers, one failed unit, inode counts and a temperature.
    static func sample(at date: Date, index: Int, deeper: Bool) -> MetricSample {
        var sample = MetricSample(
            collectedAt: date, load1: 0.5, load5: 0.6, load15: 0.7, cpuPercent: 12.5, cpuCores: 8, memoryTotalBytes: 17_179_869_184,
            memoryAvailableBytes: 8_589_934_592, swapTotalBytes: 0, swapFreeBytes: 0,
            filesystems: ["/", "/var", "/home"].map {
                FilesystemUsage(
                    mountPoint: $0, device: "/dev/vd" + $0, fsType: "ext4", sizeBytes: 100_000_000_000, usedBytes: 50_000_000_000,
                    availableBytes: 50_000_000_000, inodesTotal: deeper ? 6_553_600 : nil, inodesUsed: deeper ? 412_345 : nil)
            },
            loggedUsers: 2, tcpConnections: 120, networkReceiveBytes: Int64(index) * 1_000_000, networkTransmitBytes: Int64(index) * 500_000,
            uptimeSeconds: Double(index) * 900, processCount: 250, osName: "Debian GNU/Linux 12 (bookworm)", kernel: "6.1.0-18-amd64",
            hostname: "web-01",
            users: (1...10).map { UserActivity(username: "user\($0)", cpuPercent: Double($0), memoryPercent: 1.5, processCount: 12, topProcess: "proc\($0)") })
        sample[.cpuUserPercent] = 8
        sample[.cpuSystemPercent] = 3
        sample[.cpuIowaitPercent] = 1
        sample[.cpuStealPercent] = 0.5
        sample[.diskReadBytesPerSecond] = 1_048_576
        sample[.diskWriteBytesPerSecond] = 262_144
        guard deeper else { return sample }
        sample[.temperatureCelsius] = 54
        sample.topProcesses = (1...10).map {
            TopProcess(
                pid: 1000 + $0, user: "user\($0)", command: "/usr/bin/python3 /srv/app/worker.py --queue jobs-\($0) --concurrency 4",
                cpuPercent: 50 / Double($0), memoryPercent: 2.5)
        }
        sample.containers = ["api", "web", "db"].map {
            ContainerInfo(
                name: $0, image: "registry.example/\($0):1.4.2", state: "running", status: "Up 3 days", exitCode: 0, restartCount: 0,
                cpuPercent: 1.5, memoryBytes: 268_435_456)
        }
        sample.failedUnits = ["backup.service"]
        return sample
    }
}

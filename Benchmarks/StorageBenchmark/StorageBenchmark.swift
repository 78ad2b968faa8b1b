import DashboardCore
import DashboardStorage
import Foundation
import Logging

/// `make bench-storage`: seeds 1,000 servers × 90 days at 15-minute intervals (8.6 M
/// samples) into a fresh database and times the repository calls the api makes, then prints the
/// bytes a stored sample takes before and after the deeper monitoring fields (SampleFootprint).
/// With `BENCH_SEED_ONLY=1` it only seeds and keeps the database, writing its URL (password
/// included, so never printed) to the file named by `BENCH_DATABASE_URL_FILE`.
/// Prints figures; it is a measurement, not a test.
@main
struct StorageBenchmark {
    static func main() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let base = environment["SD_TEST_DATABASE_URL"] ?? environment["DATABASE_URL"] else {
            print("set DATABASE_URL (or run through `make bench-storage`)")
            exit(2)
        }
        let servers = Int(environment["BENCH_SERVERS"] ?? "") ?? 1000
        let days = Int(environment["BENCH_DAYS"] ?? "") ?? 90
        var logger = Logger(label: "storage-bench")
        logger.logLevel = .warning

        let name = "sd_bench_\(servers)_\(Int(Date().timeIntervalSince1970))"
        let admin = ConnectionPool(configuration: DatabaseConfiguration(connectionString: base, poolSize: 1), logger: logger)
        try await admin.query("CREATE DATABASE \(unsafeRaw: name)")
        let url = base.replacingOccurrences(of: #"/[^/?]+(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
        let database = Database(configuration: DatabaseConfiguration(connectionString: url, poolSize: 4), logger: logger)
        try await database.migrate(logger: logger)

        let inventory = (0..<servers).map { ServerConfig(name: String(format: "server-%04d", $0), host: "127.0.0.1", username: "u", password: Secret("p")) }
        let ids = try await database.servers.sync(inventory: inventory)
        let now = Date()
        let samplesPerServer = days * 96
        print("seeding \(servers) servers × \(days) days × 96 samples/day = \(servers * samplesPerServer) samples …")
        let seedStart = ContinuousClock.now
        // Row by row the hourly-rollup trigger would recompute each server's hours with
        // every batch it sees; for one bulk load it is off and the rollup is rebuilt once.
        try await database.pool.query("ALTER TABLE server_metrics DISABLE TRIGGER server_metrics_hourly_rollup")
        try await database.pool.query(
            """
            INSERT INTO server_metrics (server_id, collected_at, load_1, load_5, load_15, cpu_percent, cpu_cores,
                memory_total_bytes, memory_available_bytes, ram_percent, disk_percent, disk_mount,
                logged_users, tcp_connections, net_rx_bytes, net_tx_bytes, uptime_seconds, process_count,
                temperature_celsius, inodes_percent, failed_units, processes_listed, containers_listed)
            SELECT s.id, \(now)::timestamptz - make_interval(mins => 15 * g),
                random() * 4, random() * 4, random() * 4, random() * 100, 8,
                17179869184, (random() * 17179869184)::bigint, random() * 100, 20 + random() * 70, '/',
                (random() * 10)::int, (random() * 500)::int, (\(samplesPerServer) - g) * 1000000::bigint, (\(samplesPerServer) - g) * 500000::bigint,
                (\(samplesPerServer) - g) * 900, 200 + (random() * 100)::int,
                40 + random() * 30, random() * 50, '{}', 10, 3
            FROM servers s, generate_series(0, \(samplesPerServer - 1)) g
            """)
        try await database.pool.query("ALTER TABLE server_metrics ENABLE TRIGGER server_metrics_hourly_rollup")
        let rollupStart = ContinuousClock.now
        let hours = try await database.pool.query("SELECT server_metrics_hourly_rebuild() AS hours")
        print("hourly rollup rebuilt: \(try hours.first!.require("hours", as: Int.self)) hours in \(rollupStart.duration(to: .now))")
        // Each server's newest sample becomes its latest, with filesystems and users.
        try await database.pool.query(
            """
            UPDATE servers s SET latest_sample_id = m.id, last_seen = m.collected_at, last_attempt_at = m.collected_at,
                first_seen = m.collected_at - make_interval(days => \(days))
            FROM server_metrics m WHERE m.server_id = s.id AND m.collected_at = \(now)
            """)
        try await database.pool.query(
            """
            INSERT INTO filesystems (
                sample_id, server_id, collected_at, mount_point, device, fs_type, size_bytes, used_bytes, available_bytes, inodes_total, inodes_used)
            SELECT s.latest_sample_id, s.id, s.last_seen, mp, '/dev/vd' || mp, 'ext4', 100000000000, 50000000000, 50000000000, 6553600, 412345
            FROM servers s, unnest(ARRAY['/', '/var', '/home']) mp
            """)
        // The latest sample's busiest processes and containers (docs/architecture.md).
        try await database.pool.query(
            """
            INSERT INTO sample_processes (sample_id, server_id, collected_at, rank, pid, username, command, cpu_percent, memory_percent)
            SELECT s.latest_sample_id, s.id, s.last_seen, p, 1000 + p, 'user' || p, '/usr/bin/python3 /srv/app/worker.py --queue jobs-' || p,
                random() * 100, random() * 20
            FROM servers s, generate_series(1, 10) p
            """)
        try await database.pool.query(
            """
            INSERT INTO sample_containers (
                sample_id, server_id, collected_at, name, image, state, status, exit_code, restart_count, cpu_percent, memory_bytes)
            SELECT s.latest_sample_id, s.id, s.last_seen, c, 'registry.example/' || c || ':1.4.2', 'running', 'Up 3 days', 0, 0, random() * 5,
                268435456
            FROM servers s, unnest(ARRAY['api', 'web', 'db']) c
            """)
        try await database.pool.query(
            """
            INSERT INTO top_users (sample_id, server_id, collected_at, username, cpu_percent, memory_percent, process_count, top_process)
            SELECT s.latest_sample_id, s.id, s.last_seen, 'user' || u, random() * 100, random() * 20, (random() * 50)::int, 'proc' || u
            FROM servers s, generate_series(1, 10) u
            """)
        try await database.pool.query("VACUUM ANALYZE")
        print("seeded in \(seedStart.duration(to: .now))")
        let size = try await database.pool.query("SELECT pg_size_pretty(pg_database_size(current_database())) AS size")
        print("database size: \(try size.first!.require("size", as: String.self))")
        if environment["BENCH_SEED_ONLY"] == "1" {
            // `make bench-api` measures the api on this database; it is dropped with the cluster.
            await database.pool.close()
            await admin.close()
            if let file = environment["BENCH_DATABASE_URL_FILE"] {
                _ = FileManager.default.createFile(atPath: file, contents: Data(url.utf8), attributes: [.posixPermissions: 0o600])
                print("database URL written to \(file)")
            }
            return
        }

        let someServer = try requireValue(ids["server-0500"] ?? ids.values.first)
        try await measure("latest of one server, with processes and containers", times: 50) {
            let processes = try await database.metrics.latest(serverNamed: "server-0000")?.latest?.topProcesses
            precondition(processes?.count == 10)
        }
        try await measure("latest per server (\(servers) servers)", times: 50) {
            let snapshots = try await database.metrics.latest()
            precondition(snapshots.count == servers && snapshots.allSatisfy { $0.latest != nil })
        }
        try await measure("overview", times: 50) {
            _ = try await database.overview(classifier: StatusClassifier(), now: now)
        }
        try await measure("top users (all servers, limit 100)", times: 50) {
            _ = try await database.users.top(TopUsersQuery(limit: 100))
        }
        try await measure("history 24 h, 5-minute buckets", times: 50) {
            _ = try await database.metrics.history(serverID: someServer, from: now.addingTimeInterval(-86_400), to: now.addingTimeInterval(1), step: 300)
        }
        try await measure("history 90 days, 1-hour buckets", times: 20) {
            _ = try await database.metrics.history(serverID: someServer, from: now.addingTimeInterval(-90 * 86_400), to: now.addingTimeInterval(1), step: 3600)
        }
        try await measure("retention: delete the oldest day (\(servers * 96) samples)", times: 1, warmUp: false) {
            let report = try await database.retention.deleteOldData(
                olderThan: now.addingTimeInterval(-Double(days - 1) * 86_400), topUsersOlderThan: now.addingTimeInterval(-7 * 86_400))
            print("    deleted \(report.samples) samples")
        }
        // Last, so its samples change none of the timings above.
        try await SampleFootprint.report(database, count: Int(environment["BENCH_FOOTPRINT_SAMPLES"] ?? "") ?? 2000, now: now)
        await database.pool.close()
        try await admin.query("DROP DATABASE \(unsafeRaw: name)")
    }

    static func measure(_ label: String, times: Int, warmUp: Bool = true, _ body: @Sendable () async throws -> Void) async throws {
        if warmUp { try await body() }
        var durations: [Duration] = []
        for _ in 0..<times {
            let start = ContinuousClock.now
            try await body()
            durations.append(start.duration(to: .now))
        }
        durations.sort()
        func ms(_ d: Duration) -> String { String(format: "%.2f ms", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) }
        let p50 = durations[durations.count / 2]
        let p99 = durations[min(durations.count - 1, Int(Double(durations.count) * 0.99))]
        print("\(label): p50 \(ms(p50)), p99 \(ms(p99)) over \(times)")
    }
}

/// Unwraps a value the benchmark cannot run without.
func requireValue<T>(_ value: T?) throws -> T {
    guard let value else { throw CocoaError(.featureUnsupported) }
    return value
}

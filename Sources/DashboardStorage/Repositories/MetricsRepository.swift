import DashboardCore
import Foundation

/// Reads samples: the latest per server and one server's history.
public struct MetricsRepository: Sendable {
    let pool: ConnectionPool

    static let sampleColumns = """
        m.id AS sample_id, m.collected_at, m.load_1, m.load_5, m.load_15, m.cpu_percent, m.cpu_cores AS sample_cpu_cores,
        m.memory_total_bytes, m.memory_available_bytes, m.swap_total_bytes, m.swap_free_bytes,
        m.logged_users, m.tcp_connections, m.net_rx_bytes, m.net_tx_bytes, m.uptime_seconds, m.process_count
        """

    /// Every server with its latest sample and that sample's filesystems, by name.
    ///
    /// Reads each server's latest sample through `servers.latest_sample_id` (a primary-key
    /// lookup per server), so the cost does not grow with history.
    public func latest(includeDisabled: Bool = false) async throws(StorageError) -> [ServerSnapshot] {
        try await snapshots(where: "s.enabled OR \(includeDisabled)")
    }

    /// One server with its latest sample, enabled or not; `nil` when no such server exists.
    public func latest(serverNamed name: String) async throws(StorageError) -> ServerSnapshot? {
        try await snapshots(where: "s.name = \(name)").first
    }

    private func snapshots(where condition: SQLQuery) async throws(StorageError) -> [ServerSnapshot] {
        let query: SQLQuery = """
            SELECT \(unsafeRaw: ServerRepository.columns), \(unsafeRaw: Self.sampleColumns)
            FROM servers s LEFT JOIN server_metrics m ON m.id = s.latest_sample_id
            WHERE
            """
        let result = try await pool.query(query.appending(" ").appending(condition).appending(" ORDER BY s.name"))
        var snapshots: [ServerSnapshot] = []
        var sampleIDs: [Int64] = []
        for row in result.rows {
            let server = try ServerRepository.decode(row)
            var sample: MetricSample?
            if let sampleID: Int64 = try row.decode("sample_id") {
                sampleIDs.append(sampleID)
                sample = try Self.decodeSample(row, osFrom: server)
            }
            snapshots.append(ServerSnapshot(server: server, latest: sample))
        }
        guard !sampleIDs.isEmpty else { return snapshots }
        let filesystems = try await filesystems(sampleIDs: sampleIDs)
        for index in snapshots.indices {
            let serverID = snapshots[index].server.id
            snapshots[index].latest?.filesystems = filesystems[serverID] ?? []
        }
        return snapshots
    }

    /// Filesystems of the given samples, grouped by server id.
    private func filesystems(sampleIDs: [Int64]) async throws(StorageError) -> [Int64: [FilesystemUsage]] {
        let result = try await pool.query("""
            SELECT server_id, mount_point, device, fs_type, size_bytes, used_bytes, available_bytes
            FROM filesystems WHERE sample_id = ANY(\(sampleIDs)::bigint[]) ORDER BY server_id, mount_point
            """)
        var grouped: [Int64: [FilesystemUsage]] = [:]
        for row in result.rows {
            let filesystem = FilesystemUsage(
                mountPoint: try row.require("mount_point"), device: try row.require("device"), fsType: try row.decode("fs_type"),
                sizeBytes: try row.require("size_bytes"), usedBytes: try row.require("used_bytes"), availableBytes: try row.require("available_bytes")
            )
            grouped[try row.require("server_id"), default: []].append(filesystem)
        }
        return grouped
    }

    static func decodeSample(_ row: Row, osFrom server: Server) throws(StorageError) -> MetricSample {
        MetricSample(
            collectedAt: try row.require("collected_at"),
            load1: try row.decode("load_1"), load5: try row.decode("load_5"), load15: try row.decode("load_15"),
            cpuPercent: try row.decode("cpu_percent"), cpuCores: try row.decode("sample_cpu_cores"),
            memoryTotalBytes: try row.decode("memory_total_bytes"), memoryAvailableBytes: try row.decode("memory_available_bytes"),
            swapTotalBytes: try row.decode("swap_total_bytes"), swapFreeBytes: try row.decode("swap_free_bytes"),
            loggedUsers: try row.decode("logged_users"), tcpConnections: try row.decode("tcp_connections"),
            networkReceiveBytes: try row.decode("net_rx_bytes"), networkTransmitBytes: try row.decode("net_tx_bytes"),
            uptimeSeconds: try row.decode("uptime_seconds"), processCount: try row.decode("process_count"),
            osName: server.osName, kernel: server.kernel, hostname: server.hostname
        )
    }

    /// One server's history in `[from, to)`, in buckets of `step` seconds (aligned to the
    /// epoch), with the average and maximum of every metric and network rates.
    public func history(serverID: Int64, from: Date, to: Date, step: Int) async throws(StorageError) -> [HistoryBucket] {
        guard step > 0 else {
            throw StorageError(kind: .invalidParameter, message: "the history step must be at least one second")
        }
        // Rates need the sample before `from` as well, hence the window over a slightly earlier start.
        let result = try await pool.query("""
            WITH samples AS (
                SELECT collected_at, cpu_percent, load_1, load_5, load_15, ram_percent, disk_percent,
                       logged_users, tcp_connections, process_count,
                       net_rx_bytes - lag(net_rx_bytes) OVER w AS rx_delta,
                       net_tx_bytes - lag(net_tx_bytes) OVER w AS tx_delta,
                       uptime_seconds - lag(uptime_seconds) OVER w AS uptime_delta,
                       extract(epoch FROM collected_at - lag(collected_at) OVER w) AS seconds
                FROM server_metrics
                WHERE server_id = \(serverID)
                  AND collected_at >= \(from)::timestamptz - make_interval(secs => \(step))
                  AND collected_at < \(to)
                WINDOW w AS (ORDER BY collected_at)
            ), rated AS (
                SELECT *,
                    CASE WHEN seconds > 0 AND rx_delta >= 0 AND (uptime_delta IS NULL OR uptime_delta >= 0) THEN rx_delta / seconds END AS rx_rate,
                    CASE WHEN seconds > 0 AND tx_delta >= 0 AND (uptime_delta IS NULL OR uptime_delta >= 0) THEN tx_delta / seconds END AS tx_rate
                FROM samples WHERE collected_at >= \(from)
            )
            SELECT to_timestamp(floor(extract(epoch FROM collected_at) / \(step)) * \(step)) AS bucket,
                count(*) AS samples,
                avg(cpu_percent) AS cpu_avg, max(cpu_percent) AS cpu_max,
                avg(load_1) AS load1_avg, max(load_1) AS load1_max,
                avg(load_5) AS load5_avg, max(load_5) AS load5_max,
                avg(load_15) AS load15_avg, max(load_15) AS load15_max,
                avg(ram_percent) AS ram_avg, max(ram_percent) AS ram_max,
                avg(disk_percent) AS disk_avg, max(disk_percent) AS disk_max,
                avg(logged_users) AS users_avg, max(logged_users) AS users_max,
                avg(tcp_connections) AS tcp_avg, max(tcp_connections) AS tcp_max,
                avg(process_count) AS processes_avg, max(process_count) AS processes_max,
                avg(rx_rate) AS rx_avg, max(rx_rate) AS rx_max,
                avg(tx_rate) AS tx_avg, max(tx_rate) AS tx_max
            FROM rated GROUP BY bucket ORDER BY bucket
            """)
        var buckets: [HistoryBucket] = []
        buckets.reserveCapacity(result.count)
        for row in result.rows {
            func aggregate(_ name: String) throws(StorageError) -> Aggregate {
                Aggregate(avg: try row.decode("\(name)_avg"), max: try row.decode("\(name)_max"))
            }
            buckets.append(HistoryBucket(
                start: try row.require("bucket"), samples: try row.require("samples"),
                cpuPercent: try aggregate("cpu"), load1: try aggregate("load1"), load5: try aggregate("load5"), load15: try aggregate("load15"),
                ramPercent: try aggregate("ram"), diskPercent: try aggregate("disk"), loggedUsers: try aggregate("users"),
                tcpConnections: try aggregate("tcp"), processCount: try aggregate("processes"),
                networkReceiveRate: try aggregate("rx"), networkTransmitRate: try aggregate("tx")
            ))
        }
        return buckets
    }
}

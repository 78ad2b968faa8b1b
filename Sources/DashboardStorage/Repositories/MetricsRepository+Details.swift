import DashboardCore
import FoundationEssentials

/// The per-sample lists of the single-server read (busiest processes and containers) and the
/// latest containers of the fleet for `/metrics`.
extension MetricsRepository {
    /// The busiest processes of the given samples, highest CPU first, grouped by server id.
    func processes(sampleIDs: [Int64]) async throws(StorageError) -> [Int64: [TopProcess]] {
        let result = try await pool.query(
            """
            SELECT server_id, pid, username, command, cpu_percent, memory_percent
            FROM sample_processes WHERE sample_id = ANY(\(sampleIDs)::bigint[]) ORDER BY server_id, sample_id, rank
            """)
        var grouped: [Int64: [TopProcess]] = [:]
        for row in result.rows {
            let process = TopProcess(
                pid: try row.require("pid"), user: try row.require("username"), command: try row.require("command"),
                cpuPercent: try row.require("cpu_percent"), memoryPercent: try row.require("memory_percent"))
            grouped[try row.require("server_id"), default: []].append(process)
        }
        return grouped
    }

    /// The containers of the given samples, by name, grouped by server id.
    func containers(sampleIDs: [Int64]) async throws(StorageError) -> [Int64: [ContainerInfo]] {
        let result = try await pool.query(
            """
            SELECT server_id, name, image, state, status, exit_code, restart_count, cpu_percent, memory_bytes
            FROM sample_containers WHERE sample_id = ANY(\(sampleIDs)::bigint[]) ORDER BY server_id, sample_id, name
            """)
        return try Self.groupedContainers(result)
    }

    /// The containers of every enabled server's latest sample, by name, grouped by server id, in
    /// one query: what `/metrics` exposes (the fleet read leaves the lists out).
    public func latestContainers() async throws(StorageError) -> [Int64: [ContainerInfo]] {
        let result = try await pool.query(
            """
            SELECT c.server_id, c.name, c.image, c.state, c.status, c.exit_code, c.restart_count, c.cpu_percent, c.memory_bytes
            FROM servers s JOIN sample_containers c ON c.sample_id = s.latest_sample_id
            WHERE s.enabled ORDER BY c.server_id, c.name
            """)
        return try Self.groupedContainers(result)
    }

    private static func groupedContainers(_ result: QueryResult) throws(StorageError) -> [Int64: [ContainerInfo]] {
        var grouped: [Int64: [ContainerInfo]] = [:]
        for row in result.rows {
            let container = ContainerInfo(
                name: try row.require("name"), image: try row.require("image"), state: try row.require("state"), status: try row.decode("status"),
                exitCode: try row.decode("exit_code"), restartCount: try row.decode("restart_count"), cpuPercent: try row.decode("cpu_percent"),
                memoryBytes: try row.decode("memory_bytes"))
            grouped[try row.require("server_id"), default: []].append(container)
        }
        return grouped
    }
}

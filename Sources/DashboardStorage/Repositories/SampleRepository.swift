import DashboardCore
import FoundationEssentials

/// Writes probe results: a sample with its filesystems, users, processes and containers, atomically.
public struct SampleRepository: Sendable {
    let pool: ConnectionPool

    /// Stores one server's sample, its filesystems and its users, and moves the server's
    /// "latest" pointer, "last seen" and OS facts forward — all in one statement, so it
    /// is stored whole or not at all. Storing the same sample (server and time) again
    /// changes nothing and returns `nil`; otherwise returns the new sample's id.
    @discardableResult
    public func store(_ sample: MetricSample, serverID: Int64) async throws(StorageError) -> Int64? {
        try await storeNoting(sample, serverID: serverID)?.id
    }

    /// Stores a sample as `store(_:serverID:)` does, with its busiest processes, containers and
    /// failed units (each list bounded again here), records its user names in `known_users`,
    /// and tells what the server looked like before it (for change events, docs/collector.md)
    /// — all in the one statement. `nil` when the sample was stored before.
    public func storeNoting(_ sample: MetricSample, serverID: Int64) async throws(StorageError) -> StoredSample? {
        let filesystems = sample.filesystems
        let users = sample.users
        let headline = sample.headlineFilesystem
        let processes = StoredSample.bounded(sample.topProcesses ?? [])
        let containers = StoredSample.bounded(sample.containers ?? [])
        let failedUnits = sample.failedUnits.map(StoredSample.bounded(failedUnits:))
        // The catalogue's stored figures, each in the column named by its key
        // (docs/adding-a-metric.md); whole-number figures bound as integers.
        var columns = "server_id, collected_at, disk_mount, failed_units, processes_listed, containers_listed"
        var values: SQLQuery = """
            \(serverID), \(sample.collectedAt), \(headline?.mountPoint), \(failedUnits)::text[],
            \(sample.topProcesses.map { _ in processes.count }), \(sample.containers.map { _ in containers.count })
            """
        for descriptor in MetricCatalogue.stored {
            columns += ", " + descriptor.id.key
            let value = descriptor.value(in: sample)
            if descriptor.unit.isIntegral {
                values.append(", \(value.flatMap { Int64(exactly: $0.rounded()) })")
            } else {
                values.append(", \(value)")
            }
        }
        let insert: SQLQuery = """
            WITH sample AS (
                INSERT INTO server_metrics (\(unsafeRaw: columns))
                VALUES (
            """
        let rest: SQLQuery = """
                )
                ON CONFLICT (server_id, collected_at) DO NOTHING
                RETURNING id, server_id, collected_at
            ),
            stored_filesystems AS (
                INSERT INTO filesystems (
                    sample_id, server_id, collected_at, mount_point, device, fs_type, size_bytes, used_bytes, available_bytes, inodes_total, inodes_used)
                SELECT sample.id, sample.server_id, sample.collected_at, f.mount_point, f.device, f.fs_type, f.size_bytes, f.used_bytes,
                    f.available_bytes, f.inodes_total, f.inodes_used
                FROM sample, unnest(
                    \(filesystems.map(\.mountPoint))::text[], \(filesystems.map(\.device))::text[], \(filesystems.map(\.fsType))::text[],
                    \(filesystems.map(\.sizeBytes))::bigint[], \(filesystems.map(\.usedBytes))::bigint[], \(filesystems.map(\.availableBytes))::bigint[],
                    \(filesystems.map(\.inodesTotal))::bigint[], \(filesystems.map(\.inodesUsed))::bigint[]
                ) AS f(mount_point, device, fs_type, size_bytes, used_bytes, available_bytes, inodes_total, inodes_used)
            ),
            stored_processes AS (
                INSERT INTO sample_processes (sample_id, server_id, collected_at, rank, pid, username, command, cpu_percent, memory_percent)
                SELECT sample.id, sample.server_id, sample.collected_at, p.rank, p.pid, p.username, p.command, p.cpu_percent, p.memory_percent
                FROM sample, unnest(
                    \(processes.indices.map { $0 + 1 })::smallint[], \(processes.map(\.pid))::integer[], \(processes.map(\.user))::text[],
                    \(processes.map(\.command))::text[], \(processes.map(\.cpuPercent))::double precision[],
                    \(processes.map(\.memoryPercent))::double precision[]
                ) AS p(rank, pid, username, command, cpu_percent, memory_percent)
            ),
            stored_containers AS (
                INSERT INTO sample_containers (
                    sample_id, server_id, collected_at, name, image, state, status, exit_code, restart_count, cpu_percent, memory_bytes)
                SELECT sample.id, sample.server_id, sample.collected_at, c.name, c.image, c.state, c.status, c.exit_code, c.restart_count,
                    c.cpu_percent, c.memory_bytes
                FROM sample, unnest(
                    \(containers.map(\.name))::text[], \(containers.map(\.image))::text[], \(containers.map(\.state))::text[],
                    \(containers.map(\.status))::text[], \(containers.map(\.exitCode))::integer[], \(containers.map(\.restartCount))::integer[],
                    \(containers.map(\.cpuPercent))::double precision[], \(containers.map(\.memoryBytes))::bigint[]
                ) AS c(name, image, state, status, exit_code, restart_count, cpu_percent, memory_bytes)
            ),
            seen_users AS (
                INSERT INTO known_users (server_id, username, first_seen)
                SELECT DISTINCT sample.server_id, k.username, sample.collected_at
                FROM sample, unnest(\(users.map(\.username))::text[]) AS k(username)
                ON CONFLICT (server_id, username) DO NOTHING
                RETURNING username
            ),
            previous AS (
                SELECT s.os_name, s.kernel, p.collected_at, p.uptime_seconds
                FROM servers s LEFT JOIN server_metrics p ON p.id = s.latest_sample_id
                WHERE s.id = \(serverID)
            ),
            stored_users AS (
                INSERT INTO top_users (sample_id, server_id, collected_at, username, cpu_percent, memory_percent, process_count, top_process, home_bytes)
                SELECT sample.id, sample.server_id, sample.collected_at, u.username, u.cpu_percent, u.memory_percent, u.process_count, u.top_process, u.home_bytes
                FROM sample, unnest(
                    \(users.map(\.username))::text[], \(users.map(\.cpuPercent))::double precision[], \(users.map(\.memoryPercent))::double precision[],
                    \(users.map(\.processCount))::integer[], \(users.map(\.topProcess))::text[], \(users.map(\.homeBytes))::bigint[]
                ) AS u(username, cpu_percent, memory_percent, process_count, top_process, home_bytes)
            ),
            moved AS (
                UPDATE servers SET
                    latest_sample_id = CASE WHEN last_seen IS NULL OR last_seen <= sample.collected_at THEN sample.id ELSE latest_sample_id END,
                    first_seen = LEAST(COALESCE(first_seen, sample.collected_at), sample.collected_at),
                    last_seen = GREATEST(COALESCE(last_seen, sample.collected_at), sample.collected_at),
                    last_attempt_at = GREATEST(COALESCE(last_attempt_at, sample.collected_at), sample.collected_at),
                    last_error_kind = CASE WHEN last_attempt_at IS NULL OR last_attempt_at <= sample.collected_at THEN NULL ELSE last_error_kind END,
                    last_error = CASE WHEN last_attempt_at IS NULL OR last_attempt_at <= sample.collected_at THEN NULL ELSE last_error END,
                    os_name = COALESCE(\(sample.osName), os_name),
                    kernel = COALESCE(\(sample.kernel), kernel),
                    hostname = COALESCE(\(sample.hostname), hostname),
                    cpu_cores = COALESCE(\(sample.cpuCores)::integer, cpu_cores)
                FROM sample WHERE servers.id = sample.server_id
            )
            SELECT sample.id, previous.os_name AS previous_os_name, previous.kernel AS previous_kernel,
                previous.collected_at AS previous_collected_at, previous.uptime_seconds::double precision AS previous_uptime,
                ARRAY(SELECT username FROM seen_users ORDER BY username) AS new_users
            FROM sample LEFT JOIN previous ON true
            """
        let result = try await pool.query(insert.appending(values).appending(rest))
        guard let row = result.first else { return nil }
        var previous: StoredSample.Previous?
        if let collectedAt: Date = try row.decode("previous_collected_at") {
            previous = StoredSample.Previous(
                collectedAt: collectedAt, uptimeSeconds: try row.decode("previous_uptime"), osName: try row.decode("previous_os_name"),
                kernel: try row.decode("previous_kernel"))
        }
        return StoredSample(id: try row.require("id"), previous: previous, newUsers: try row.decode("new_users", as: [String].self) ?? [])
    }
}

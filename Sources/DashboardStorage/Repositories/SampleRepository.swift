import DashboardCore
import FoundationEssentials

/// Writes probe results: a sample with its filesystems and users, atomically.
public struct SampleRepository: Sendable {
    let pool: ConnectionPool

    /// Stores one server's sample, its filesystems and its users, and moves the server's
    /// "latest" pointer, "last seen" and OS facts forward — all in one statement, so it
    /// is stored whole or not at all. Storing the same sample (server and time) again
    /// changes nothing and returns `nil`; otherwise returns the new sample's id.
    @discardableResult
    public func store(_ sample: MetricSample, serverID: Int64) async throws(StorageError) -> Int64? {
        let filesystems = sample.filesystems
        let users = sample.users
        let headline = sample.headlineFilesystem
        // The catalogue's stored figures, each in the column named by its key
        // (docs/adding-a-metric.md); whole-number figures bound as integers.
        var columns = "server_id, collected_at, disk_mount"
        var values: SQLQuery = "\(serverID), \(sample.collectedAt), \(headline?.mountPoint)"
        for descriptor in MetricCatalogue.stored {
            columns += ", " + descriptor.id.key
            let value = descriptor.value(in: sample)
            if descriptor.unit.isIntegral {
                values = values.appending(", \(value.flatMap { Int64(exactly: $0.rounded()) })")
            } else {
                values = values.appending(", \(value)")
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
                INSERT INTO filesystems (sample_id, server_id, collected_at, mount_point, device, fs_type, size_bytes, used_bytes, available_bytes)
                SELECT sample.id, sample.server_id, sample.collected_at, f.mount_point, f.device, f.fs_type, f.size_bytes, f.used_bytes, f.available_bytes
                FROM sample, unnest(
                    \(filesystems.map(\.mountPoint))::text[], \(filesystems.map(\.device))::text[], \(filesystems.map(\.fsType))::text[],
                    \(filesystems.map(\.sizeBytes))::bigint[], \(filesystems.map(\.usedBytes))::bigint[], \(filesystems.map(\.availableBytes))::bigint[]
                ) AS f(mount_point, device, fs_type, size_bytes, used_bytes, available_bytes)
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
            SELECT id FROM sample
            """
        let result = try await pool.query(insert.appending(values).appending(rest))
        return try result.first?.require("id")
    }
}

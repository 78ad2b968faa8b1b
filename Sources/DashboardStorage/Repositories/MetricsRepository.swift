import DashboardCore
import FoundationEssentials

/// Reads samples: the latest per server and one server's history.
public struct MetricsRepository: Sendable {
    let pool: ConnectionPool

    /// The sample's id, time and failed units, and every stored catalogue figure as `f_<key>`
    /// (as a double, whatever the column's type), so samples are read without naming figures.
    static let sampleColumns =
        (["m.id AS sample_id", "m.collected_at", "m.failed_units", "m.processes_listed", "m.containers_listed"]
        + MetricCatalogue.stored.map {
            "m.\($0.id.key)::double precision AS f_\($0.id.key)"
        }).joined(separator: ", ")

    /// Every server with its latest sample and that sample's filesystems and failed units, by name.
    /// The samples' processes and containers stay `nil` (read them per server).
    ///
    /// Reads each server's latest sample through `servers.latest_sample_id` (a primary-key
    /// lookup per server), so the cost does not grow with history.
    public func latest(includeDisabled: Bool = false) async throws(StorageError) -> [ServerSnapshot] {
        try await snapshots(where: "s.enabled OR \(includeDisabled)")
    }

    /// One server with its latest sample, enabled or not, with everything the sample holds
    /// (filesystems, failed units, busiest processes, containers); `nil` when no such server exists.
    public func latest(serverNamed name: String) async throws(StorageError) -> ServerSnapshot? {
        try await snapshots(where: "s.name = \(name)", details: true).first
    }

    /// The servers matching `condition` with their latest samples; with `details`, the samples'
    /// processes and containers too (`nil` when the probe could not list them, and for samples
    /// stored before this version).
    private func snapshots(where condition: SQLQuery, details: Bool = false) async throws(StorageError) -> [ServerSnapshot] {
        let query: SQLQuery = """
            SELECT \(unsafeRaw: ServerRepository.columns), \(unsafeRaw: Self.sampleColumns)
            FROM servers s LEFT JOIN server_metrics m ON m.id = s.latest_sample_id
            WHERE
            """
        var ordered = query.appending(" ").appending(condition).appending(" ORDER BY s.name")
        // Binary rows: about 45 columns for each of up to thousands of servers, read again after every collection run.
        ordered.binaryResults = true
        let result = try await pool.query(ordered)
        var snapshots: [ServerSnapshot] = []
        var sampleIDs: [Int64] = []
        // The servers whose latest sample listed its processes / containers (even none).
        var listed: (processes: Set<Int64>, containers: Set<Int64>) = ([], [])
        for row in result.rows {
            let server = try ServerRepository.decode(row)
            var sample: MetricSample?
            if let sampleID: Int64 = try row.decode("sample_id") {
                sampleIDs.append(sampleID)
                sample = try Self.decodeSample(row, osFrom: server)
                if details, try row.decode("processes_listed", as: Int.self) != nil { listed.processes.insert(server.id) }
                if details, try row.decode("containers_listed", as: Int.self) != nil { listed.containers.insert(server.id) }
            }
            snapshots.append(ServerSnapshot(server: server, latest: sample))
        }
        guard !sampleIDs.isEmpty else { return snapshots }
        let filesystems = try await filesystems(sampleIDs: sampleIDs)
        for index in snapshots.indices {
            let serverID = snapshots[index].server.id
            snapshots[index].latest?.filesystems = filesystems[serverID] ?? []
        }
        guard details else { return snapshots }
        let processes = try await processes(sampleIDs: sampleIDs)
        let containers = try await containers(sampleIDs: sampleIDs)
        for index in snapshots.indices {
            let serverID = snapshots[index].server.id
            // Listed (a count stored, maybe 0) → the rows; not listed (NULL) → nil.
            if listed.processes.contains(serverID) { snapshots[index].latest?.topProcesses = processes[serverID] ?? [] }
            if listed.containers.contains(serverID) { snapshots[index].latest?.containers = containers[serverID] ?? [] }
        }
        return snapshots
    }

    /// Filesystems of the given samples, grouped by server id.
    private func filesystems(sampleIDs: [Int64]) async throws(StorageError) -> [Int64: [FilesystemUsage]] {
        let result = try await pool.query(
            """
            SELECT server_id, mount_point, device, fs_type, size_bytes, used_bytes, available_bytes, inodes_total, inodes_used
            FROM filesystems WHERE sample_id = ANY(\(sampleIDs)::bigint[]) ORDER BY server_id, mount_point
            """)
        var grouped: [Int64: [FilesystemUsage]] = [:]
        for row in result.rows {
            let filesystem = FilesystemUsage(
                mountPoint: try row.require("mount_point"), device: try row.require("device"), fsType: try row.decode("fs_type"),
                sizeBytes: try row.require("size_bytes"), usedBytes: try row.require("used_bytes"), availableBytes: try row.require("available_bytes"),
                inodesTotal: try row.decode("inodes_total"), inodesUsed: try row.decode("inodes_used")
            )
            grouped[try row.require("server_id"), default: []].append(filesystem)
        }
        return grouped
    }

    static func decodeSample(_ row: Row, osFrom server: Server) throws(StorageError) -> MetricSample {
        var sample = MetricSample(collectedAt: try row.require("collected_at"), osName: server.osName, kernel: server.kernel, hostname: server.hostname)
        for (id, column) in probedColumns {
            sample[id] = try row.decode(column)
        }
        sample.failedUnits = try row.decode("failed_units", as: [String].self)
        return sample
    }

    /// The probed figures read back into samples, with their result columns; derived ones
    /// (memory used, disk used) are worked out from the sample again.
    private static let probedColumns: [(id: MetricID, column: String)] = MetricCatalogue.stored.compactMap { descriptor in
        guard case .probed = descriptor.source else { return nil }
        return (descriptor.id, "f_\(descriptor.id.key)")
    }

    /// One server's history in `[from, to)`, in buckets of `step` seconds (aligned to the
    /// epoch), with the average and maximum of every metric and network rates.
    ///
    /// Network rates come from each sample and the one before it (also when that one lies
    /// before `from`). When `step` is a whole number of hours and the range holds at least
    /// one whole hour, the whole hours are read from the hourly rollup (`server_metrics_hourly`,
    /// one row per server and hour) and only the partial hours at either end from the
    /// samples; the buckets are the same as computed from the samples alone, up to
    /// floating-point rounding, but a 90-day range reads ~2,200 rows instead of ~8,600.
    public func history(serverID: Int64, from: Date, to: Date, step: Int) async throws(StorageError) -> [HistoryBucket] {
        guard step > 0 else {
            throw StorageError(kind: .invalidParameter, message: "the history step must be at least one second")
        }
        if let hours = Self.wholeHours(from: from, to: to, step: step) {
            return try await rollupHistory(serverID: serverID, from: from, to: to, step: step, wholeHours: hours)
        }
        return try await sampleHistory(serverID: serverID, from: from, to: to, step: step)
    }

    /// The figures of a history bucket, in the order of `MetricCatalogue.history`: the column
    /// prefix used in results and in `server_metrics_hourly`, and the column of
    /// `server_metrics_rated` it comes from.
    static let historyMetrics: [(name: String, column: String)] = MetricCatalogue.history.compactMap { descriptor in
        descriptor.history.map { ($0.rollupPrefix, $0.ratedColumn) }
    }

    /// The whole hours `[first, end)` inside `[from, to)` when the rollup can serve them:
    /// `step` is a multiple of an hour (so every hour falls into one bucket) and there is one.
    static func wholeHours(from: Date, to: Date, step: Int) -> (first: Date, end: Date)? {
        guard step % 3600 == 0 else { return nil }
        let first = (from.timeIntervalSince1970 / 3600).rounded(.up) * 3600
        let end = (to.timeIntervalSince1970 / 3600).rounded(.down) * 3600
        guard first < end else { return nil }
        return (Date(timeIntervalSince1970: first), Date(timeIntervalSince1970: end))
    }

    /// History computed from the samples alone.
    func sampleHistory(serverID: Int64, from: Date, to: Date, step: Int) async throws(StorageError) -> [HistoryBucket] {
        let aggregates = Self.historyMetrics.map { "avg(\($0.column)) AS \($0.name)_avg, max(\($0.column)) AS \($0.name)_max" }
        let result = try await pool.query(
            """
            SELECT date_bin(make_interval(secs => \(step)), collected_at, timestamptz 'epoch') AS bucket, count(*) AS samples,
                \(unsafeRaw: aggregates.joined(separator: ",\n    "))
            FROM server_metrics_rated(\(serverID), \(from)::timestamptz, \(to)::timestamptz)
            GROUP BY bucket ORDER BY bucket
            """)
        return try Self.decodeBuckets(result)
    }

    /// History from the hourly rollup for `wholeHours`, and from the samples for the partial
    /// hours before and after them; sums, counts and maxima merge exactly into each bucket.
    func rollupHistory(serverID: Int64, from: Date, to: Date, step: Int, wholeHours: (first: Date, end: Date)) async throws(StorageError) -> [HistoryBucket] {
        let hours: SQLQuery = """
            WITH hours AS (
                SELECT * FROM server_metrics_hourly
                WHERE server_id = \(serverID) AND hour >= \(wholeHours.first)::timestamptz AND hour < \(wholeHours.end)::timestamptz
                UNION ALL
                SELECT * FROM server_metrics_hourly_compute(\(serverID), \(from)::timestamptz, \(wholeHours.first)::timestamptz)
                UNION ALL
                SELECT * FROM server_metrics_hourly_compute(\(serverID), \(wholeHours.end)::timestamptz, \(to)::timestamptz)
            )
            """
        let buckets: SQLQuery
        if step == 3600 {
            // Each hour (a stored one or a partial one at an end) is a bucket of its own: nothing
            // to merge. No ORDER BY: PostgreSQL sorted the ~2,200 rows it had just read in order
            // from the primary key (1.7 of 8.3 ms in EXPLAIN ANALYZE); they are put in order below.
            let figures = Self.historyMetrics.map { "\($0.name)_sum / NULLIF(\($0.name)_count, 0) AS \($0.name)_avg, \($0.name)_max" }
            buckets = """
                SELECT hour AS bucket, samples, \(unsafeRaw: figures.joined(separator: ", "))
                FROM hours
                """
        } else {
            let figures = Self.historyMetrics.map {
                "sum(\($0.name)_sum) / NULLIF(sum(\($0.name)_count), 0) AS \($0.name)_avg, max(\($0.name)_max) AS \($0.name)_max"
            }
            buckets = """
                SELECT date_bin(make_interval(secs => \(step)), hour, timestamptz 'epoch') AS bucket, sum(samples) AS samples,
                    \(unsafeRaw: figures.joined(separator: ", "))
                FROM hours GROUP BY bucket ORDER BY bucket
                """
        }
        // ~50,000 figures for 90 days: binary rows spare formatting and parsing them as text.
        var query = hours.appending(buckets)
        query.binaryResults = true
        let result = try await pool.query(query)
        var decoded = try Self.decodeBuckets(result)
        if step == 3600 {
            // Linear when the rows came in order, as they do: the standard library's sort
            // finds the run.
            decoded.sort { $0.start < $1.start }
        }
        return decoded
    }

    private static func decodeBuckets(_ result: QueryResult) throws(StorageError) -> [HistoryBucket] {
        // A 90-day history is ~50,000 figures: find each column once, not once per value.
        let start = try result.column("bucket")
        let samples = try result.column("samples")
        var averages: [Column] = []
        var maxima: [Column] = []
        for metric in historyMetrics {
            averages.append(try result.column("\(metric.name)_avg"))
            maxima.append(try result.column("\(metric.name)_max"))
        }
        var buckets: [HistoryBucket] = []
        buckets.reserveCapacity(result.count)
        for row in result.rows {
            var aggregates: [Aggregate] = []
            aggregates.reserveCapacity(averages.count)
            for index in averages.indices {
                aggregates.append(Aggregate(avg: try row.decode(averages[index]), max: try row.decode(maxima[index])))
            }
            buckets.append(HistoryBucket(start: try row.require(start), samples: try row.require(samples), aggregates: aggregates))
        }
        return buckets
    }
}

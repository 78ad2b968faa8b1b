import DashboardCore
import FoundationEssentials

extension MetricsRepository {
    /// Every sample of one server since `since`, oldest first, as the seed's history
    /// points (`/api/servers/{name}/metrics/historical/{hours}`): load, RAM and disk.
    public func points(serverID: Int64, since: Date) async throws(StorageError) -> [HistoricalPoint] {
        let result = try await pool.query(
            """
            SELECT collected_at, load_5, round(ram_percent::numeric, 2)::float8 AS ram, round(disk_percent::numeric, 2)::float8 AS disk
            FROM server_metrics
            WHERE server_id = \(serverID) AND collected_at >= \(since)
            ORDER BY collected_at
            """)
        var points: [HistoricalPoint] = []
        points.reserveCapacity(result.count)
        for row in result.rows {
            points.append(
                HistoricalPoint(
                    timestamp: try row.require("collected_at"), cpuLoad5min: try row.decode("load_5"),
                    ramPercentage: try row.decode("ram"), diskPercentage: try row.decode("disk")
                ))
        }
        return points
    }

    /// One filesystem's size and use over time.
    public struct FilesystemSeries: Sendable, Equatable {
        /// Where the filesystem is mounted, e.g. `/`.
        public var mountPoint: String
        /// Oldest first.
        public var points: [(time: Date, usedBytes: Int64, sizeBytes: Int64)]

        /// Equal when the mount points and every point match (tuples are not `Equatable`, so this is written out).
        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.mountPoint == rhs.mountPoint && lhs.points.elementsEqual(rhs.points) { $0 == $1 }
        }
    }

    /// Size and use of every filesystem one server reported since `since`, by mount
    /// point: the input of the disk-full forecast.
    public func filesystemSeries(serverID: Int64, since: Date) async throws(StorageError) -> [FilesystemSeries] {
        let result = try await pool.query(
            """
            SELECT mount_point, collected_at, used_bytes, size_bytes
            FROM filesystems
            WHERE server_id = \(serverID) AND collected_at >= \(since)
            ORDER BY mount_point, collected_at
            """)
        var series: [FilesystemSeries] = []
        for row in result.rows {
            let mount: String = try row.require("mount_point")
            let point = (
                time: try row.require("collected_at", as: Date.self), usedBytes: try row.require("used_bytes", as: Int64.self),
                sizeBytes: try row.require("size_bytes", as: Int64.self)
            )
            if series.last?.mountPoint == mount {
                series[series.count - 1].points.append(point)
            } else {
                series.append(FilesystemSeries(mountPoint: mount, points: [point]))
            }
        }
        return series
    }
}

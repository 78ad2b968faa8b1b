import DashboardCore
import FoundationEssentials

/// The api's answers the pages read, decoded with the api's JSON conventions.
/// Shapes from SPEC §4 and Sources/API/Records; only the fields a page shows are declared.
enum APIRecords {
    /// One element of `GET /api/servers` (and the head of `GET /api/servers/{name}`).
    struct Server: Decodable, Sendable {
        var name: String
        var host: String?
        var port: Int?
        var tags: [String]?
        var status: ServerStatus
        var cpuStatus: MetricStatus
        var ramStatus: MetricStatus
        var diskStatus: MetricStatus
        var osName: String?
        var kernel: String?
        var hostname: String?
        var cpuCores: Int?
        var firstSeen: Date?
        var lastSeen: Date?
        var lastAttemptAt: Date?
        var lastError: LastError?
        var collectedAt: Date?
        var cpuPercent: Double?
        var load1: Double?
        var ramPercent: Double?
        var diskPercent: Double?

        enum CodingKeys: String, CodingKey {
            case name, host, port, tags, status
            case cpuStatus = "cpu_status", ramStatus = "ram_status", diskStatus = "disk_status"
            case osName = "os_name", kernel, hostname, cpuCores = "cpu_cores"
            case firstSeen = "first_seen", lastSeen = "last_seen", lastAttemptAt = "last_attempt_at", lastError = "last_error"
            case collectedAt = "collected_at", cpuPercent = "cpu_percent", load1 = "load_1"
            case ramPercent = "ram_percent", diskPercent = "disk_percent"
        }
    }

    /// Why the last collection failed.
    struct LastError: Decodable, Sendable {
        var kind: String
        var message: String
    }

    /// `GET /api/servers/{name}`: the server plus every figure of its latest sample.
    struct ServerDetail: Decodable, Sendable {
        var server: Server
        var latest: Sample?

        enum CodingKeys: String, CodingKey { case latest }

        init(from decoder: any Decoder) throws {
            server = try Server(from: decoder)
            latest = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Sample.self, forKey: .latest)
        }
    }

    /// Every figure of one sample; `nil` where the host reported nothing.
    struct Sample: Decodable, Sendable {
        var collectedAt: Date
        var cpuPercent: Double?
        var cpuCores: Int?
        var load1: Double?
        var load5: Double?
        var load15: Double?
        var memoryTotalBytes: Int64?
        var memoryAvailableBytes: Int64?
        var ramPercent: Double?
        var swapTotalBytes: Int64?
        var swapUsedBytes: Int64?
        var diskPercent: Double?
        var diskMount: String?
        var loggedUsers: Int?
        var tcpConnections: Int?
        var networkReceiveBytes: Int64?
        var networkTransmitBytes: Int64?
        var uptimeSeconds: Double?
        var processCount: Int?
        var filesystems: [Filesystem]

        enum CodingKeys: String, CodingKey {
            case collectedAt = "collected_at", cpuPercent = "cpu_percent", cpuCores = "cpu_cores"
            case load1 = "load_1", load5 = "load_5", load15 = "load_15"
            case memoryTotalBytes = "memory_total_bytes", memoryAvailableBytes = "memory_available_bytes", ramPercent = "ram_percent"
            case swapTotalBytes = "swap_total_bytes", swapUsedBytes = "swap_used_bytes"
            case diskPercent = "disk_percent", diskMount = "disk_mount"
            case loggedUsers = "logged_users", tcpConnections = "tcp_connections"
            case networkReceiveBytes = "net_rx_bytes", networkTransmitBytes = "net_tx_bytes"
            case uptimeSeconds = "uptime_seconds", processCount = "process_count", filesystems
        }
    }

    /// One mounted filesystem.
    struct Filesystem: Decodable, Sendable {
        var mountPoint: String
        var device: String?
        var fsType: String?
        var sizeBytes: Int64
        var usedBytes: Int64
        var availableBytes: Int64
        var usedPercent: Double?

        enum CodingKeys: String, CodingKey {
            case mountPoint = "mount_point", device, fsType = "fs_type"
            case sizeBytes = "size_bytes", usedBytes = "used_bytes", availableBytes = "available_bytes", usedPercent = "used_percent"
        }
    }

    /// One element of `GET /api/alerts`.
    struct Alert: Decodable, Sendable {
        var id: Int64
        var serverName: String
        var type: String
        var severity: String
        var message: String
        var value: Double?
        var openedAt: Date
        var resolvedAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, serverName = "server_name", type, severity, message, value
            case openedAt = "opened_at", resolvedAt = "resolved_at"
        }
    }

    /// One element of `GET /api/servers/{name}/failures`.
    struct Failure: Decodable, Sendable {
        var failureKind: String?
        var message: String?
        var attempts: Int
        var durationMilliseconds: Int
        var finishedAt: Date

        enum CodingKeys: String, CodingKey {
            case failureKind = "failure_kind", message, attempts
            case durationMilliseconds = "duration_ms", finishedAt = "finished_at"
        }
    }

    /// `GET /api/servers/{name}/metrics/history`.
    struct History: Decodable, Sendable {
        var serverName: String
        var from: Date
        var to: Date
        var stepSeconds: Int
        var buckets: [HistoryBucket]

        enum CodingKeys: String, CodingKey {
            case serverName = "server_name", from, to, stepSeconds = "step_seconds", buckets
        }
    }

    /// `GET /api/servers/{name}/forecast`.
    struct Forecast: Decodable, Sendable {
        var windowDays: Int
        var filesystems: [FilesystemForecast]

        enum CodingKeys: String, CodingKey {
            case windowDays = "window_days", filesystems
        }
    }
}

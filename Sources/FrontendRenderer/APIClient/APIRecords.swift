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
        /// The levels the server is judged by; `nil` from an api that does not send them.
        var thresholds: Thresholds?

        enum CodingKeys: String, CodingKey { case latest, thresholds }

        init(from decoder: any Decoder) throws {
            server = try Server(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            latest = try container.decodeIfPresent(Sample.self, forKey: .latest)
            thresholds = try container.decodeIfPresent(Thresholds.self, forKey: .thresholds)
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
        /// What keeps it from being notified now; `nil` when nothing does.
        var silenced: Silencing?
        /// Each channel's delivery of its events, newest event first.
        var notifications: [Delivery]

        enum CodingKeys: String, CodingKey {
            case id, serverName = "server_name", type, severity, message, value
            case openedAt = "opened_at", resolvedAt = "resolved_at", silenced, notifications
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(Int64.self, forKey: .id)
            serverName = try container.decode(String.self, forKey: .serverName)
            type = try container.decode(String.self, forKey: .type)
            severity = try container.decode(String.self, forKey: .severity)
            message = try container.decode(String.self, forKey: .message)
            value = try container.decodeIfPresent(Double.self, forKey: .value)
            openedAt = try container.decode(Date.self, forKey: .openedAt)
            resolvedAt = try container.decodeIfPresent(Date.self, forKey: .resolvedAt)
            silenced = try container.decodeIfPresent(Silencing.self, forKey: .silenced)
            notifications = try container.decodeIfPresent([Delivery].self, forKey: .notifications) ?? []
        }
    }

    /// An alert's `silenced`: the silence's reason (or the maintenance window) and its end.
    struct Silencing: Decodable, Sendable {
        var reason: String
        var until: Date
    }

    /// One element of an alert's `notifications`: how one event fared on one channel.
    struct Delivery: Decodable, Sendable {
        var channel: String
        var state: String
        var attempts: Int
        var lastError: String?
        var deliveredAt: Date?
        var event: String?
        var createdAt: Date?

        enum CodingKeys: String, CodingKey {
            case channel, state, attempts, lastError = "last_error", deliveredAt = "delivered_at", event, createdAt = "created_at"
        }
    }

    /// One element of `GET /api/silences`.
    struct Silence: Decodable, Sendable {
        var id: Int64
        /// `server`, `tag` or `all`.
        var scope: String
        var server: String?
        var tag: String?
        /// The one alert type covered; `nil` for every type.
        var type: String?
        var reason: String
        var startsAt: Date
        var endsAt: Date
        var active: Bool?

        enum CodingKeys: String, CodingKey {
            case id, scope, server, tag, type, reason, startsAt = "starts_at", endsAt = "ends_at", active
        }

        /// Whether it covers the server `name` tagged `tags`.
        func covers(server name: String, tags: [String]) -> Bool {
            switch scope {
            case "server": return server == name
            case "tag": return tag.map(tags.contains) ?? false
            default: return true
            }
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

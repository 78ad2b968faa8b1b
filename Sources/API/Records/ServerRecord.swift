import DashboardCore
import FoundationEssentials

/// A server as `/api/servers` and `/api/servers/{name}` describe it: inventory, status,
/// how the last collection went and the headline figures of its latest sample (`null`
/// before its first), so one request draws a whole fleet. Never carries a credential.
struct ServerRecord: Encodable, Sendable {
    var snapshot: ServerSnapshot
    var report: StatusReport

    enum CodingKeys: String, CodingKey {
        case name, host, port, tags, enabled, status
        case cpuStatus = "cpu_status", ramStatus = "ram_status", diskStatus = "disk_status"
        case osName = "os_name", kernel, hostname, cpuCores = "cpu_cores"
        case firstSeen = "first_seen", lastSeen = "last_seen", lastAttemptAt = "last_attempt_at", lastError = "last_error"
        case collectedAt = "collected_at", cpuPercent = "cpu_percent", load1 = "load_1"
        case ramPercent = "ram_percent", diskPercent = "disk_percent"
    }

    func encode(to encoder: any Encoder) throws {
        let server = snapshot.server
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(server.name, forKey: .name)
        try container.encode(server.host, forKey: .host)
        try container.encode(server.port, forKey: .port)
        try container.encode(server.tags, forKey: .tags)
        try container.encode(server.enabled, forKey: .enabled)
        try container.encode(report.status, forKey: .status)
        try container.encode(report.cpu, forKey: .cpuStatus)
        try container.encode(report.ram, forKey: .ramStatus)
        try container.encode(report.disk, forKey: .diskStatus)
        try container.encode(server.osName, forKey: .osName)
        try container.encode(server.kernel, forKey: .kernel)
        try container.encode(server.hostname, forKey: .hostname)
        try container.encode(server.cpuCores, forKey: .cpuCores)
        try container.encode(server.firstSeen, forKey: .firstSeen)
        try container.encode(server.lastSeen, forKey: .lastSeen)
        try container.encode(server.lastAttemptAt, forKey: .lastAttemptAt)
        try container.encode(server.lastError, forKey: .lastError)
        let sample = snapshot.latest
        try container.encode(sample?.collectedAt, forKey: .collectedAt)
        try container.encode(sample.flatMap(StatusClassifier.cpuFigure(of:)).map(Self.round2), forKey: .cpuPercent)
        try container.encode(sample?.load1, forKey: .load1)
        try container.encode(sample?.ramPercent.map(Self.round2), forKey: .ramPercent)
        try container.encode(sample?.diskPercent.map(Self.round2), forKey: .diskPercent)
    }

    private static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

/// `/api/servers/{name}`: the server record plus every figure of its latest sample.
struct ServerDetailRecord: Encodable, Sendable {
    var server: ServerRecord
    var latest: SampleRecord?
    /// The levels this server is judged by: its own or its tags' (docs/notifications.md), else `THRESHOLD_*`.
    var thresholds: Thresholds

    enum CodingKeys: String, CodingKey { case latest, thresholds }

    func encode(to encoder: any Encoder) throws {
        try server.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(latest, forKey: .latest)
        try container.encode(thresholds, forKey: .thresholds)
    }
}

/// Every figure of one sample, with `null` for what the host did not report.
struct SampleRecord: Encodable, Sendable {
    var sample: MetricSample

    enum CodingKeys: String, CodingKey {
        case collectedAt = "collected_at", cpuPercent = "cpu_percent", cpuCores = "cpu_cores"
        case load1 = "load_1", load5 = "load_5", load15 = "load_15"
        case memoryTotalBytes = "memory_total_bytes", memoryAvailableBytes = "memory_available_bytes", ramPercent = "ram_percent"
        case swapTotalBytes = "swap_total_bytes", swapFreeBytes = "swap_free_bytes", swapUsedBytes = "swap_used_bytes"
        case diskPercent = "disk_percent", diskMount = "disk_mount"
        case loggedUsers = "logged_users", tcpConnections = "tcp_connections"
        case networkReceiveBytes = "net_rx_bytes", networkTransmitBytes = "net_tx_bytes"
        case uptimeSeconds = "uptime_seconds", processCount = "process_count"
        case filesystems
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sample.collectedAt, forKey: .collectedAt)
        try container.encode(sample.cpuPercent, forKey: .cpuPercent)
        try container.encode(sample.cpuCores, forKey: .cpuCores)
        try container.encode(sample.load1, forKey: .load1)
        try container.encode(sample.load5, forKey: .load5)
        try container.encode(sample.load15, forKey: .load15)
        try container.encode(sample.memoryTotalBytes, forKey: .memoryTotalBytes)
        try container.encode(sample.memoryAvailableBytes, forKey: .memoryAvailableBytes)
        try container.encode(sample.ramPercent, forKey: .ramPercent)
        try container.encode(sample.swapTotalBytes, forKey: .swapTotalBytes)
        try container.encode(sample.swapFreeBytes, forKey: .swapFreeBytes)
        try container.encode(sample.swapUsedBytes, forKey: .swapUsedBytes)
        try container.encode(sample.diskPercent, forKey: .diskPercent)
        try container.encode(sample.headlineFilesystem?.mountPoint, forKey: .diskMount)
        try container.encode(sample.loggedUsers, forKey: .loggedUsers)
        try container.encode(sample.tcpConnections, forKey: .tcpConnections)
        try container.encode(sample.networkReceiveBytes, forKey: .networkReceiveBytes)
        try container.encode(sample.networkTransmitBytes, forKey: .networkTransmitBytes)
        try container.encode(sample.uptimeSeconds, forKey: .uptimeSeconds)
        try container.encode(sample.processCount, forKey: .processCount)
        try container.encode(sample.filesystems.map(FilesystemRecord.init), forKey: .filesystems)
    }
}

/// One filesystem with its use in percent (as `df` computes it).
struct FilesystemRecord: Encodable, Sendable {
    var filesystem: FilesystemUsage

    enum CodingKeys: String, CodingKey {
        case mountPoint = "mount_point", device, fsType = "fs_type"
        case sizeBytes = "size_bytes", usedBytes = "used_bytes", availableBytes = "available_bytes", usedPercent = "used_percent"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(filesystem.mountPoint, forKey: .mountPoint)
        try container.encode(filesystem.device, forKey: .device)
        try container.encode(filesystem.fsType, forKey: .fsType)
        try container.encode(filesystem.sizeBytes, forKey: .sizeBytes)
        try container.encode(filesystem.usedBytes, forKey: .usedBytes)
        try container.encode(filesystem.availableBytes, forKey: .availableBytes)
        try container.encode(filesystem.usedPercent.map { ($0 * 100).rounded() / 100 }, forKey: .usedPercent)
    }
}

import DashboardCore
import FoundationEssentials

/// A server as `/api/servers` and `/api/servers/{name}` describe it: inventory, status, how
/// the last collection went and the headline figures of its latest sample (`null` before its
/// first), so one request draws a whole fleet. Never carries a credential.
public struct ServerRecord: Codable, Sendable, Equatable {
    /// The inventory name.
    public var name: String
    /// The address the collector connects to.
    public var host: String
    /// The SSH port.
    public var port: Int
    /// The server's tags.
    public var tags: [String]
    /// Whether the collector visits it.
    public var enabled: Bool
    /// Healthy, warning, critical or offline.
    public var status: ServerStatus
    /// The CPU figure's level.
    public var cpuStatus: MetricStatus
    /// The memory figure's level.
    public var ramStatus: MetricStatus
    /// The headline disk figure's level.
    public var diskStatus: MetricStatus
    /// The operating system as the host describes it.
    @Nullable public var osName: String?
    /// The kernel release.
    @Nullable public var kernel: String?
    /// The host's own name.
    @Nullable public var hostname: String?
    /// Online CPU cores.
    @Nullable public var cpuCores: Int?
    /// The first successful collection.
    @Nullable public var firstSeen: Date?
    /// The latest successful collection.
    @Nullable public var lastSeen: Date?
    /// The latest attempt, successful or not.
    @Nullable public var lastAttemptAt: Date?
    /// Why the latest attempt failed; `nil` when it succeeded.
    @Nullable public var lastError: CollectionFailure?
    /// When the latest sample was collected.
    @Nullable public var collectedAt: Date?
    /// CPU in percent (or load per core where the host gave no CPU figure), 2 decimals.
    @Nullable public var cpuPercent: Double?
    /// 1-minute load average.
    @Nullable public var load1: Double?
    /// Memory in use in percent, 2 decimals.
    @Nullable public var ramPercent: Double?
    /// The headline filesystem's use in percent, 2 decimals.
    @Nullable public var diskPercent: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, host, port, tags, enabled, status
        case cpuStatus = "cpu_status", ramStatus = "ram_status", diskStatus = "disk_status"
        case osName = "os_name", kernel, hostname, cpuCores = "cpu_cores"
        case firstSeen = "first_seen", lastSeen = "last_seen", lastAttemptAt = "last_attempt_at", lastError = "last_error"
        case collectedAt = "collected_at", cpuPercent = "cpu_percent", load1 = "load_1"
        case ramPercent = "ram_percent", diskPercent = "disk_percent"
    }

    /// The record of a server and its status report.
    public init(snapshot: ServerSnapshot, report: StatusReport) {
        let server = snapshot.server
        let sample = snapshot.latest
        name = server.name
        host = server.host
        port = server.port
        tags = server.tags
        enabled = server.enabled
        status = report.status
        cpuStatus = report.cpu
        ramStatus = report.ram
        diskStatus = report.disk
        osName = server.osName
        kernel = server.kernel
        hostname = server.hostname
        cpuCores = server.cpuCores
        firstSeen = server.firstSeen
        lastSeen = server.lastSeen
        lastAttemptAt = server.lastAttemptAt
        lastError = server.lastError
        collectedAt = sample?.collectedAt
        cpuPercent = sample.flatMap(StatusClassifier.cpuFigure(of:)).map(Self.round2)
        load1 = sample?.load1
        ramPercent = sample?.ramPercent.map(Self.round2)
        diskPercent = sample?.diskPercent.map(Self.round2)
    }

    private static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

/// `/api/servers/{name}`: the server record, every figure of its latest sample and the levels it is judged by.
public struct ServerDetailRecord: Codable, Sendable, Equatable {
    /// The server's record (its keys sit at the top level of the answer).
    public var server: ServerRecord
    /// The latest sample; `nil` before the first.
    public var latest: SampleRecord?
    /// The levels this server is judged by: its own or its tags' (docs/notifications.md), else `THRESHOLD_*`.
    public var thresholds: Thresholds
    /// When the database became unreachable, if this record comes from the api's last known
    /// fleet (a stale answer, docs/api.md "During a database outage"); `nil` when fresh.
    public var staleSince: Date?

    enum CodingKeys: String, CodingKey {
        case latest, thresholds
        case staleSince = "stale_since"
    }

    /// Creates the answer.
    public init(server: ServerRecord, latest: SampleRecord?, thresholds: Thresholds, staleSince: Date? = nil) {
        self.server = server
        self.latest = latest
        self.thresholds = thresholds
        self.staleSince = staleSince
    }

    /// Reads the answer; an answer without `stale_since` (an older api) is fresh.
    public init(from decoder: any Decoder) throws {
        server = try ServerRecord(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        latest = try container.decode(SampleRecord?.self, forKey: .latest)
        thresholds = try container.decode(Thresholds.self, forKey: .thresholds)
        staleSince = try container.decodeIfPresent(Date.self, forKey: .staleSince)
    }

    /// Writes the server's keys and `latest`, `thresholds` and `stale_since` beside them.
    public func encode(to encoder: any Encoder) throws {
        try server.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(latest, forKey: .latest)
        try container.encode(thresholds, forKey: .thresholds)
        try container.encode(staleSince, forKey: .staleSince)
    }
}

/// Every figure of one sample, one key per figure the catalogue puts on samples
/// (`MetricCatalogue.onSample`, docs/adding-a-metric.md), `null` for what the host did not report.
public struct SampleRecord: Codable, Sendable, Equatable {
    /// When the probe ran.
    public var collectedAt: Date
    /// The figures, derived ones included.
    public var figures: MetricValues
    /// The mount point of the headline filesystem.
    public var diskMount: String?
    /// Every filesystem.
    public var filesystems: [FilesystemRecord]
    /// The busiest processes, highest CPU first; `nil` when the host did not report them.
    public var topProcesses: [ProcessRecord]?
    /// Docker or Podman containers; `nil` when neither is usable by the login user.
    public var containers: [ContainerRecord]?
    /// Failed systemd units; `nil` on a host without systemd (or one that did not answer).
    public var failedUnits: [String]?

    /// The record of a sample.
    public init(_ sample: MetricSample) {
        collectedAt = sample.collectedAt
        var figures = MetricValues()
        for descriptor in MetricCatalogue.onSample {
            figures[descriptor.id] = descriptor.value(in: sample)
        }
        self.figures = figures
        diskMount = sample.headlineFilesystem?.mountPoint
        filesystems = sample.filesystems.map(FilesystemRecord.init)
        topProcesses = sample.topProcesses?.map(ProcessRecord.init)
        containers = sample.containers?.map(ContainerRecord.init)
        failedUnits = sample.failedUnits
    }

    private enum Key {
        static let collectedAt = FigureKey(stringValue: "collected_at")
        static let diskMount = FigureKey(stringValue: "disk_mount")
        static let filesystems = FigureKey(stringValue: "filesystems")
        static let topProcesses = FigureKey(stringValue: "top_processes")
        static let containers = FigureKey(stringValue: "containers")
        static let failedUnits = FigureKey(stringValue: "failed_units")
    }

    /// Reads a sample; a figure or list the answer lacks (an older api) is `nil`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FigureKey.self)
        collectedAt = try container.decode(Date.self, forKey: Key.collectedAt)
        diskMount = try container.decodeIfPresent(String.self, forKey: Key.diskMount)
        filesystems = try container.decode([FilesystemRecord].self, forKey: Key.filesystems)
        topProcesses = try container.decodeIfPresent([ProcessRecord].self, forKey: Key.topProcesses)
        containers = try container.decodeIfPresent([ContainerRecord].self, forKey: Key.containers)
        failedUnits = try container.decodeIfPresent([String].self, forKey: Key.failedUnits)
        figures = MetricValues()
        for descriptor in MetricCatalogue.onSample {
            let key = FigureKey(descriptor.id)
            if descriptor.unit.isIntegral {
                figures[descriptor.id] = try container.decodeIfPresent(Int64.self, forKey: key).map(Double.init)
            } else {
                figures[descriptor.id] = try container.decodeIfPresent(Double.self, forKey: key)
            }
        }
    }

    /// Writes every figure, whole-number ones without a fraction, `null` when missing.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FigureKey.self)
        try container.encode(collectedAt, forKey: Key.collectedAt)
        for descriptor in MetricCatalogue.onSample {
            let key = FigureKey(descriptor.id)
            let value = figures[descriptor.id]
            if descriptor.unit.isIntegral {
                try container.encode(value.flatMap { Int64(exactly: $0.rounded()) }, forKey: key)
            } else {
                try container.encode(value, forKey: key)
            }
        }
        try container.encode(diskMount, forKey: Key.diskMount)
        try container.encode(filesystems, forKey: Key.filesystems)
        try container.encode(topProcesses, forKey: Key.topProcesses)
        try container.encode(containers, forKey: Key.containers)
        try container.encode(failedUnits, forKey: Key.failedUnits)
    }
}

/// One filesystem with its use in percent (as `df` computes it, 2 decimals).
public struct FilesystemRecord: Codable, Sendable, Equatable {
    /// Where it is mounted.
    public var mountPoint: String
    /// The device or source `df` names.
    public var device: String
    /// The filesystem type.
    @Nullable public var fsType: String?
    /// Size in bytes.
    public var sizeBytes: Int64
    /// Bytes used.
    public var usedBytes: Int64
    /// Bytes available to unprivileged users.
    public var availableBytes: Int64
    /// Used in percent of used + available, 2 decimals.
    @Nullable public var usedPercent: Double?
    /// Inodes in all; `nil` when unknown or the filesystem has none.
    @Nullable public var inodesTotal: Int64?
    /// Inodes in use; `nil` as `inodesTotal`.
    @Nullable public var inodesUsed: Int64?
    /// Inodes in use in percent, 2 decimals; `nil` as `inodesTotal`.
    @Nullable public var inodesPercent: Double?

    enum CodingKeys: String, CodingKey {
        case mountPoint = "mount_point", device, fsType = "fs_type"
        case sizeBytes = "size_bytes", usedBytes = "used_bytes", availableBytes = "available_bytes", usedPercent = "used_percent"
        case inodesTotal = "inodes_total", inodesUsed = "inodes_used", inodesPercent = "inodes_percent"
    }

    /// The record of a filesystem.
    public init(_ filesystem: FilesystemUsage) {
        mountPoint = filesystem.mountPoint
        device = filesystem.device
        fsType = filesystem.fsType
        sizeBytes = filesystem.sizeBytes
        usedBytes = filesystem.usedBytes
        availableBytes = filesystem.availableBytes
        usedPercent = filesystem.usedPercent.map { ($0 * 100).rounded() / 100 }
        inodesTotal = filesystem.inodesTotal
        inodesUsed = filesystem.inodesUsed
        inodesPercent = filesystem.inodesPercent.map(WireRounding.round2)
    }
}

/// `/api/servers/{name}/filesystems`: every filesystem of the latest sample.
public struct FilesystemsRecord: Codable, Sendable, Equatable {
    /// The server's name.
    public var serverName: String
    /// When the latest sample was collected; `nil` before the first.
    @Nullable public var collectedAt: Date?
    /// Its filesystems.
    public var filesystems: [FilesystemRecord]

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name", collectedAt = "collected_at", filesystems
    }

    /// Creates the answer.
    public init(serverName: String, collectedAt: Date?, filesystems: [FilesystemRecord]) {
        self.serverName = serverName
        self.collectedAt = collectedAt
        self.filesystems = filesystems
    }
}

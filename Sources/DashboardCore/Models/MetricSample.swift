import FoundationEssentials

/// One probe's worth of figures for one server, as collected at `collectedAt`.
///
/// Every figure is optional: a probe keeps what it could read, and a section
/// that could not be read leaves its figures `nil` rather than a made-up zero.
public struct MetricSample: Sendable, Equatable, Codable {
    /// When the probe ran (the collector's clock, UTC).
    public var collectedAt: Date
    /// Load averages over 1, 5 and 15 minutes.
    public var load1: Double?
    /// 5-minute load average.
    public var load5: Double?
    /// 15-minute load average.
    public var load15: Double?
    /// CPU utilisation in percent (0…100) between two `/proc/stat` samples.
    public var cpuPercent: Double?
    /// Number of online CPU cores.
    public var cpuCores: Int?
    /// Memory and swap, in bytes.
    public var memoryTotalBytes: Int64?
    /// `MemAvailable` from `/proc/meminfo` (MemFree + Buffers + Cached on kernels without it).
    public var memoryAvailableBytes: Int64?
    /// `SwapTotal`; 0 on a host without swap.
    public var swapTotalBytes: Int64?
    /// `SwapFree`.
    public var swapFreeBytes: Int64?
    /// Every local filesystem, as `df -P` reported it.
    public var filesystems: [FilesystemUsage]
    /// Number of logged-in sessions.
    public var loggedUsers: Int?
    /// Established TCP connections, IPv4 and IPv6.
    public var tcpConnections: Int?
    /// Received and transmitted byte counters summed over non-loopback interfaces.
    public var networkReceiveBytes: Int64?
    /// Bytes transmitted, summed like `networkReceiveBytes`.
    public var networkTransmitBytes: Int64?
    /// Seconds since boot.
    public var uptimeSeconds: Double?
    /// Number of processes.
    public var processCount: Int?
    /// Operating system description, kernel release and hostname as the host reports them.
    public var osName: String?
    /// The kernel release (`/proc/sys/kernel/osrelease`), e.g. `6.1.0-18-amd64`.
    public var kernel: String?
    /// The host's own name (`/proc/sys/kernel/hostname`), which need not match the inventory name.
    public var hostname: String?
    /// Per-user activity, highest CPU first.
    public var users: [UserActivity]

    /// Creates a sample; figures default to "not read".
    public init(
        collectedAt: Date,
        load1: Double? = nil, load5: Double? = nil, load15: Double? = nil,
        cpuPercent: Double? = nil, cpuCores: Int? = nil,
        memoryTotalBytes: Int64? = nil, memoryAvailableBytes: Int64? = nil,
        swapTotalBytes: Int64? = nil, swapFreeBytes: Int64? = nil,
        filesystems: [FilesystemUsage] = [],
        loggedUsers: Int? = nil, tcpConnections: Int? = nil,
        networkReceiveBytes: Int64? = nil, networkTransmitBytes: Int64? = nil,
        uptimeSeconds: Double? = nil, processCount: Int? = nil,
        osName: String? = nil, kernel: String? = nil, hostname: String? = nil,
        users: [UserActivity] = []
    ) {
        self.collectedAt = collectedAt
        self.load1 = load1
        self.load5 = load5
        self.load15 = load15
        self.cpuPercent = cpuPercent
        self.cpuCores = cpuCores
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryAvailableBytes = memoryAvailableBytes
        self.swapTotalBytes = swapTotalBytes
        self.swapFreeBytes = swapFreeBytes
        self.filesystems = filesystems
        self.loggedUsers = loggedUsers
        self.tcpConnections = tcpConnections
        self.networkReceiveBytes = networkReceiveBytes
        self.networkTransmitBytes = networkTransmitBytes
        self.uptimeSeconds = uptimeSeconds
        self.processCount = processCount
        self.osName = osName
        self.kernel = kernel
        self.hostname = hostname
        self.users = users
    }

    /// Memory in use as a percentage of total (total − available).
    public var ramPercent: Double? {
        guard let total = memoryTotalBytes, let available = memoryAvailableBytes, total > 0 else { return nil }
        return Double(max(0, total - available)) / Double(total) * 100
    }

    /// Swap in use, in bytes.
    public var swapUsedBytes: Int64? {
        guard let total = swapTotalBytes, let free = swapFreeBytes else { return nil }
        return max(0, total - free)
    }

    /// The filesystem that headlines the disk figure: `/` when present, else the fullest.
    public var headlineFilesystem: FilesystemUsage? {
        filesystems.first { $0.mountPoint == "/" }
            ?? filesystems.max { ($0.usedPercent ?? -1) < ($1.usedPercent ?? -1) }
    }

    /// The headline disk usage in percent.
    public var diskPercent: Double? { headlineFilesystem?.usedPercent }
}

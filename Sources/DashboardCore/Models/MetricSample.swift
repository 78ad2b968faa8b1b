import FoundationEssentials

/// One probe's worth of figures for one server, as collected at `collectedAt`.
///
/// Every figure is optional: a probe keeps what it could read, and a section
/// that could not be read leaves its figures `nil` rather than a made-up zero.
public struct MetricSample: Sendable, Equatable {
    /// When the probe ran (the collector's clock, UTC).
    public var collectedAt: Date
    /// Every figure of the sample by catalogue identifier (Sources/DashboardCore/Metrics).
    public var figures: MetricValues
    /// Every local filesystem, as `df -P` reported it.
    public var filesystems: [FilesystemUsage]
    /// Operating system description, kernel release and hostname as the host reports them.
    public var osName: String?
    /// The kernel release (`/proc/sys/kernel/osrelease`), e.g. `6.1.0-18-amd64`.
    public var kernel: String?
    /// The host's own name (`/proc/sys/kernel/hostname`), which need not match the inventory name.
    public var hostname: String?
    /// Per-user activity, highest CPU first.
    public var users: [UserActivity]
    /// The busiest processes by CPU, highest first, at most `TopProcess.maximumCount`;
    /// `nil` when the probe could not list them, `[]` when it listed none.
    public var topProcesses: [TopProcess]?
    /// Docker or Podman containers, at most `ContainerInfo.maximumCount`; `nil` when neither
    /// engine is usable by the login user, `[]` when one is and runs none.
    public var containers: [ContainerInfo]?
    /// Failed systemd units by name, at most `maximumFailedUnits`; `nil` when the host does not run
    /// systemd or it could not be asked, `[]` when none failed.
    public var failedUnits: [String]?

    /// The most failed units kept per sample.
    public static let maximumFailedUnits = 100
    /// The longest failed unit name kept, in bytes of UTF-8.
    public static let maximumUnitNameBytes = 200

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
        users: [UserActivity] = [],
        topProcesses: [TopProcess]? = nil, containers: [ContainerInfo]? = nil, failedUnits: [String]? = nil
    ) {
        self.collectedAt = collectedAt
        self.figures = MetricValues()
        self.filesystems = filesystems
        self.osName = osName
        self.kernel = kernel
        self.hostname = hostname
        self.users = users
        self.topProcesses = topProcesses
        self.containers = containers
        self.failedUnits = failedUnits
        self.load1 = load1
        self.load5 = load5
        self.load15 = load15
        self.cpuPercent = cpuPercent
        self.cpuCores = cpuCores
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryAvailableBytes = memoryAvailableBytes
        self.swapTotalBytes = swapTotalBytes
        self.swapFreeBytes = swapFreeBytes
        self.loggedUsers = loggedUsers
        self.tcpConnections = tcpConnections
        self.networkReceiveBytes = networkReceiveBytes
        self.networkTransmitBytes = networkTransmitBytes
        self.uptimeSeconds = uptimeSeconds
        self.processCount = processCount
    }

    /// The figure named `id` as the probe reported it; `nil` when it did not. Derived
    /// figures (memory used, swap used, disk used) are read through their descriptor.
    public subscript(_ id: MetricID) -> Double? {
        get { figures[id] }
        set { figures[id] = newValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    /// Memory in use as a percentage of total (total − available).
    public var ramPercent: Double? { MetricCatalogue.descriptor(.ramPercent)?.value(in: self) }

    /// Swap in use, in bytes.
    public var swapUsedBytes: Int64? { MetricCatalogue.descriptor(.swapUsedBytes)?.value(in: self).map { Int64($0) } }

    /// The filesystem that headlines the disk figure: `/` when present, else the fullest.
    public var headlineFilesystem: FilesystemUsage? {
        filesystems.first { $0.mountPoint == "/" }
            ?? filesystems.max { ($0.usedPercent ?? -1) < ($1.usedPercent ?? -1) }
    }

    /// The headline disk usage in percent.
    public var diskPercent: Double? { headlineFilesystem?.usedPercent }
}

// Named access to the figures that status rules, seed records and the probe parser use by
// name; the catalogue (Sources/DashboardCore/Metrics) is where each figure is described.
extension MetricSample {
    /// 1-minute load average.
    public var load1: Double? {
        get { self[.load1] }
        set { self[.load1] = newValue }
    }
    /// 5-minute load average.
    public var load5: Double? {
        get { self[.load5] }
        set { self[.load5] = newValue }
    }
    /// 15-minute load average.
    public var load15: Double? {
        get { self[.load15] }
        set { self[.load15] = newValue }
    }
    /// CPU utilisation in percent (0…100) between two `/proc/stat` samples.
    public var cpuPercent: Double? {
        get { self[.cpuPercent] }
        set { self[.cpuPercent] = newValue }
    }
    /// Number of online CPU cores.
    public var cpuCores: Int? {
        get { integer(.cpuCores).map { Int($0) } }
        set { self[.cpuCores] = newValue.map(Double.init) }
    }
    /// `MemTotal`, in bytes.
    public var memoryTotalBytes: Int64? {
        get { integer(.memoryTotalBytes) }
        set { self[.memoryTotalBytes] = newValue.map(Double.init) }
    }
    /// `MemAvailable` from `/proc/meminfo` (MemFree + Buffers + Cached on kernels without it).
    public var memoryAvailableBytes: Int64? {
        get { integer(.memoryAvailableBytes) }
        set { self[.memoryAvailableBytes] = newValue.map(Double.init) }
    }
    /// `SwapTotal`; 0 on a host without swap.
    public var swapTotalBytes: Int64? {
        get { integer(.swapTotalBytes) }
        set { self[.swapTotalBytes] = newValue.map(Double.init) }
    }
    /// `SwapFree`.
    public var swapFreeBytes: Int64? {
        get { integer(.swapFreeBytes) }
        set { self[.swapFreeBytes] = newValue.map(Double.init) }
    }
    /// Number of logged-in sessions.
    public var loggedUsers: Int? {
        get { integer(.loggedUsers).map { Int($0) } }
        set { self[.loggedUsers] = newValue.map(Double.init) }
    }
    /// Established TCP connections, IPv4 and IPv6.
    public var tcpConnections: Int? {
        get { integer(.tcpConnections).map { Int($0) } }
        set { self[.tcpConnections] = newValue.map(Double.init) }
    }
    /// Bytes received, summed over non-loopback interfaces.
    public var networkReceiveBytes: Int64? {
        get { integer(.networkReceiveBytes) }
        set { self[.networkReceiveBytes] = newValue.map(Double.init) }
    }
    /// Bytes transmitted, summed like `networkReceiveBytes`.
    public var networkTransmitBytes: Int64? {
        get { integer(.networkTransmitBytes) }
        set { self[.networkTransmitBytes] = newValue.map(Double.init) }
    }
    /// Seconds since boot.
    public var uptimeSeconds: Double? {
        get { self[.uptimeSeconds] }
        set { self[.uptimeSeconds] = newValue }
    }
    /// Number of processes.
    public var processCount: Int? {
        get { integer(.processCount).map { Int($0) } }
        set { self[.processCount] = newValue.map(Double.init) }
    }

    /// A whole-number figure; `nil` when absent or out of range.
    public func integer(_ id: MetricID) -> Int64? {
        guard let value = self[id], let integer = Int64(exactly: value.rounded()) else { return nil }
        return integer
    }
}

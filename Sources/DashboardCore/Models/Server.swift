import FoundationEssentials

/// A monitored server as the database knows it: identity, what the host reported
/// about itself, and how the last attempt to collect from it went.
public struct Server: Sendable, Equatable {
    /// The database id; it stays the same while the name does.
    public var id: Int64
    /// The inventory name, unique across the fleet.
    public var name: String
    /// The host name or address from the inventory (`local` for the collector's own machine).
    public var host: String
    /// The SSH port from the inventory (0 for a `local` server).
    public var port: Int
    /// Free-form labels from the inventory.
    public var tags: [String]
    /// Disabled or removed servers are no longer collected but keep their history.
    public var enabled: Bool
    /// The OS description the host last reported, e.g. `Debian GNU/Linux 12 (bookworm)`; `nil` until one is read.
    public var osName: String?
    /// The kernel release the host last reported, e.g. `6.1.0-18-amd64`; `nil` until one is read.
    public var kernel: String?
    /// The name the host last gave itself, which need not match `name` or `host`; `nil` until one is read.
    public var hostname: String?
    /// Online CPU cores as last reported; `nil` until read.
    public var cpuCores: Int?
    /// First and last successful sample.
    public var firstSeen: Date?
    /// When the newest successful sample was collected; `nil` before the first.
    public var lastSeen: Date?
    /// The most recent collection attempt, successful or not.
    public var lastAttemptAt: Date?
    /// Why the most recent attempt failed; `nil` once an attempt succeeds.
    public var lastError: CollectionFailure?
    /// The thresholds that apply to this server when they differ from the global ones
    /// (set per server or per tag in the inventory); `nil` for the global `THRESHOLD_*`.
    public var thresholds: Thresholds?
    /// Its recurring maintenance windows, its own and its tags', as written (`sun 02:00-04:00`).
    public var maintenance: [String]

    /// Creates a server record.
    public init(
        id: Int64, name: String, host: String, port: Int = 22, tags: [String] = [], enabled: Bool = true,
        osName: String? = nil, kernel: String? = nil, hostname: String? = nil, cpuCores: Int? = nil,
        firstSeen: Date? = nil, lastSeen: Date? = nil, lastAttemptAt: Date? = nil, lastError: CollectionFailure? = nil,
        thresholds: Thresholds? = nil, maintenance: [String] = []
    ) {
        self.id = id
        self.name = name
        self.host = host
        self.port = port
        self.tags = tags
        self.enabled = enabled
        self.osName = osName
        self.kernel = kernel
        self.hostname = hostname
        self.cpuCores = cpuCores
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.lastAttemptAt = lastAttemptAt
        self.lastError = lastError
        self.thresholds = thresholds
        self.maintenance = maintenance
    }
}

/// A server with its most recent sample (if any) — the unit of the dashboard.
public struct ServerSnapshot: Sendable, Equatable {
    /// The server as stored.
    public var server: Server
    /// Its newest sample; `nil` when it has never been collected.
    public var latest: MetricSample?

    /// Pairs a server with its latest sample.
    public init(server: Server, latest: MetricSample?) {
        self.server = server
        self.latest = latest
    }
}

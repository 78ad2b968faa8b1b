import FoundationEssentials

/// A monitored server as the database knows it: identity, what the host reported
/// about itself, and how the last attempt to collect from it went.
public struct Server: Sendable, Equatable {
    public var id: Int64
    /// The inventory name, unique across the fleet.
    public var name: String
    public var host: String
    public var port: Int
    public var tags: [String]
    /// Disabled or removed servers are no longer collected but keep their history.
    public var enabled: Bool
    public var osName: String?
    public var kernel: String?
    public var hostname: String?
    public var cpuCores: Int?
    /// First and last successful sample.
    public var firstSeen: Date?
    public var lastSeen: Date?
    /// The most recent collection attempt, successful or not.
    public var lastAttemptAt: Date?
    /// Why the most recent attempt failed; `nil` once an attempt succeeds.
    public var lastError: CollectionFailure?

    /// Creates a server record.
    public init(
        id: Int64, name: String, host: String, port: Int = 22, tags: [String] = [], enabled: Bool = true,
        osName: String? = nil, kernel: String? = nil, hostname: String? = nil, cpuCores: Int? = nil,
        firstSeen: Date? = nil, lastSeen: Date? = nil, lastAttemptAt: Date? = nil, lastError: CollectionFailure? = nil
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
    }
}

/// A server with its most recent sample (if any) — the unit of the dashboard.
public struct ServerSnapshot: Sendable, Equatable {
    public var server: Server
    public var latest: MetricSample?

    /// Pairs a server with its latest sample.
    public init(server: Server, latest: MetricSample?) {
        self.server = server
        self.latest = latest
    }
}

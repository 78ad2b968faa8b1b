import FoundationEssentials

/// Fleet-wide totals and averages (the `/api/system/overview` document).
public struct Overview: Sendable, Equatable, Codable {
    /// One active alert as the overview lists it.
    public struct AlertSummary: Sendable, Equatable, Codable {
        /// The server's inventory name.
        public var server: String
        /// The alert's severity, `warning` or `critical`: the key is `type`, as in the original
        /// product's overview, whose scripts read it (docs/migrating-from-the-original.md).
        public var type: String
        /// What the alert is about, the alert type's raw value: `cpu`, `ram`, `disk`, `offline`, `host_key` or `anomaly` (docs/anomalies.md).
        public var metric: String
        /// The alert's message, e.g. `web-01: CPU at 93% (critical threshold 90%)`.
        public var message: String

        /// Creates an alert summary.
        public init(server: String, type: String, metric: String, message: String) {
            self.server = server
            self.type = type
            self.metric = metric
            self.message = message
        }
    }

    /// Enabled servers, online or not.
    public var totalServers: Int
    /// Servers that are not offline: a recent sample and no failed attempt since.
    public var onlineServers: Int
    /// `totalServers` − `onlineServers`: failing, silent too long, or never collected.
    public var offlineServers: Int
    /// Averages over online servers with a figure; `0` when there are none.
    public var avgCPU: Double
    /// Mean memory in use, in percent, over online servers; rounded to 2 decimals.
    public var avgRAM: Double
    /// Mean use of the headline filesystem, in percent, over online servers; rounded to 2 decimals.
    public var avgDisk: Double
    /// Distinct users active in the latest samples of online servers.
    public var totalUsers: Int
    /// The alerts still open.
    public var alerts: [AlertSummary]
    /// When the database became unreachable, if this overview is the last one the api computed
    /// before (a stale answer, docs/api.md "During a database outage"); `nil` when fresh.
    public var staleSince: Date?

    /// Creates an overview.
    public init(
        totalServers: Int, onlineServers: Int, offlineServers: Int, avgCPU: Double, avgRAM: Double, avgDisk: Double, totalUsers: Int, alerts: [AlertSummary],
        staleSince: Date? = nil
    ) {
        self.totalServers = totalServers
        self.onlineServers = onlineServers
        self.offlineServers = offlineServers
        self.avgCPU = avgCPU
        self.avgRAM = avgRAM
        self.avgDisk = avgDisk
        self.totalUsers = totalUsers
        self.alerts = alerts
        self.staleSince = staleSince
    }

    enum CodingKeys: String, CodingKey {
        case totalServers = "total_servers"
        case onlineServers = "online_servers"
        case offlineServers = "offline_servers"
        case avgCPU = "avg_cpu"
        case avgRAM = "avg_ram"
        case avgDisk = "avg_disk"
        case totalUsers = "total_users"
        case alerts
        case staleSince = "stale_since"
    }

    /// Writes every key, `stale_since` as `null` when the overview is fresh.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(totalServers, forKey: .totalServers)
        try container.encode(onlineServers, forKey: .onlineServers)
        try container.encode(offlineServers, forKey: .offlineServers)
        try container.encode(avgCPU, forKey: .avgCPU)
        try container.encode(avgRAM, forKey: .avgRAM)
        try container.encode(avgDisk, forKey: .avgDisk)
        try container.encode(totalUsers, forKey: .totalUsers)
        try container.encode(alerts, forKey: .alerts)
        try container.encode(staleSince, forKey: .staleSince)
    }
}

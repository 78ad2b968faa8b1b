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

    /// Creates an overview.
    public init(
        totalServers: Int, onlineServers: Int, offlineServers: Int, avgCPU: Double, avgRAM: Double, avgDisk: Double, totalUsers: Int, alerts: [AlertSummary]
    ) {
        self.totalServers = totalServers
        self.onlineServers = onlineServers
        self.offlineServers = offlineServers
        self.avgCPU = avgCPU
        self.avgRAM = avgRAM
        self.avgDisk = avgDisk
        self.totalUsers = totalUsers
        self.alerts = alerts
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
    }
}

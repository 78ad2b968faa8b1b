/// Fleet-wide totals and averages (the `/api/system/overview` document).
public struct Overview: Sendable, Equatable, Codable {
    /// One active alert as the overview lists it.
    public struct AlertSummary: Sendable, Equatable, Codable {
        public var server: String
        public var type: String
        public var message: String

        /// Creates an alert summary.
        public init(server: String, type: String, message: String) {
            self.server = server
            self.type = type
            self.message = message
        }
    }

    public var totalServers: Int
    public var onlineServers: Int
    public var offlineServers: Int
    /// Averages over online servers with a figure; `0` when there are none.
    public var avgCPU: Double
    public var avgRAM: Double
    public var avgDisk: Double
    /// Distinct users active in the latest samples of online servers.
    public var totalUsers: Int
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

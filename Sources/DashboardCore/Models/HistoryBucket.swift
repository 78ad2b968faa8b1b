import FoundationEssentials

/// The average and the maximum of one metric within a bucket; `nil` when no sample had it.
public struct Aggregate: Sendable, Equatable, Codable {
    /// The mean of the figures in the bucket.
    public var avg: Double?
    /// The largest figure in the bucket.
    public var max: Double?

    /// Creates an aggregate.
    public init(avg: Double?, max: Double?) {
        self.avg = avg
        self.max = max
    }

    /// Encodes both figures, `null` when missing, so every bucket has the same shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(avg, forKey: .avg)
        try container.encode(max, forKey: .max)
    }

    enum CodingKeys: String, CodingKey {
        case avg, max
    }
}

/// One time bucket of a server's history: every metric's average and maximum.
public struct HistoryBucket: Sendable, Equatable, Codable {
    /// The bucket's start (aligned to multiples of the step since the Unix epoch).
    public var start: Date
    /// How many samples fell into it.
    public var samples: Int
    /// CPU utilisation in percent (0–100).
    public var cpuPercent: Aggregate
    /// 1-minute load average.
    public var load1: Aggregate
    /// 5-minute load average.
    public var load5: Aggregate
    /// 15-minute load average.
    public var load15: Aggregate
    /// Memory in use in percent.
    public var ramPercent: Aggregate
    /// The headline filesystem's use in percent.
    public var diskPercent: Aggregate
    /// Logged-in sessions.
    public var loggedUsers: Aggregate
    /// Established TCP connections.
    public var tcpConnections: Aggregate
    /// Number of processes.
    public var processCount: Aggregate
    /// Network throughput in bytes per second from consecutive counters; counter resets
    /// and reboots give no rate rather than a negative or huge one.
    public var networkReceiveRate: Aggregate
    /// Bytes sent per second, computed like `networkReceiveRate`.
    public var networkTransmitRate: Aggregate

    /// Creates a bucket.
    public init(
        start: Date, samples: Int, cpuPercent: Aggregate, load1: Aggregate, load5: Aggregate, load15: Aggregate,
        ramPercent: Aggregate, diskPercent: Aggregate, loggedUsers: Aggregate, tcpConnections: Aggregate,
        processCount: Aggregate, networkReceiveRate: Aggregate, networkTransmitRate: Aggregate
    ) {
        self.start = start
        self.samples = samples
        self.cpuPercent = cpuPercent
        self.load1 = load1
        self.load5 = load5
        self.load15 = load15
        self.ramPercent = ramPercent
        self.diskPercent = diskPercent
        self.loggedUsers = loggedUsers
        self.tcpConnections = tcpConnections
        self.processCount = processCount
        self.networkReceiveRate = networkReceiveRate
        self.networkTransmitRate = networkTransmitRate
    }

    enum CodingKeys: String, CodingKey {
        case start, samples
        case cpuPercent = "cpu_percent"
        case load1 = "load_1"
        case load5 = "load_5"
        case load15 = "load_15"
        case ramPercent = "ram_percent"
        case diskPercent = "disk_percent"
        case loggedUsers = "logged_users"
        case tcpConnections = "tcp_connections"
        case processCount = "process_count"
        case networkReceiveRate = "net_rx_bytes_per_second"
        case networkTransmitRate = "net_tx_bytes_per_second"
    }
}

import FoundationEssentials

/// The average and the maximum of one metric within a bucket; `nil` when no sample had it.
public struct Aggregate: Sendable, Equatable, Codable {
    public var avg: Double?
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
    public var cpuPercent: Aggregate
    public var load1: Aggregate
    public var load5: Aggregate
    public var load15: Aggregate
    public var ramPercent: Aggregate
    public var diskPercent: Aggregate
    public var loggedUsers: Aggregate
    public var tcpConnections: Aggregate
    public var processCount: Aggregate
    /// Network throughput in bytes per second from consecutive counters; counter resets
    /// and reboots give no rate rather than a negative or huge one.
    public var networkReceiveRate: Aggregate
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

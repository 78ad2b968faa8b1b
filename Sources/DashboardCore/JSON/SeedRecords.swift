import FoundationEssentials

/// One element of `GET /api/servers/metrics/latest` (seed field names).
public struct LatestMetricsRecord: Sendable, Equatable, Codable {
    /// The server's inventory name.
    public var serverName: String
    /// 1-minute load average; `null` when not read.
    public var cpuLoad1min: Double?
    /// 5-minute load average; `null` when not read.
    public var cpuLoad5min: Double?
    /// 15-minute load average; `null` when not read.
    public var cpuLoad15min: Double?
    /// Memory in use in percent, rounded to 2 decimals; `null` when not read.
    public var ramPercentage: Double?
    /// The headline filesystem's use in percent, rounded to 2 decimals; `null` when not read.
    public var diskPercentage: Double?
    /// Logged-in sessions; `null` when not read.
    public var loggedUsers: Int?
    /// Established TCP connections; `null` when not read.
    public var tcpConnections: Int?
    /// When the latest sample was collected; `null` when the server has none.
    public var timestamp: Date?

    /// The record for a server's latest sample (figures `null` when it has none).
    public init(_ snapshot: ServerSnapshot) {
        let sample = snapshot.latest
        serverName = snapshot.server.name
        cpuLoad1min = sample?.load1
        cpuLoad5min = sample?.load5
        cpuLoad15min = sample?.load15
        ramPercentage = sample?.ramPercent.map(Self.round2)
        diskPercentage = sample?.diskPercent.map(Self.round2)
        loggedUsers = sample?.loggedUsers
        tcpConnections = sample?.tcpConnections
        timestamp = sample?.collectedAt
    }

    static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name"
        case cpuLoad1min = "cpu_load_1min"
        case cpuLoad5min = "cpu_load_5min"
        case cpuLoad15min = "cpu_load_15min"
        case ramPercentage = "ram_percentage"
        case diskPercentage = "disk_percentage"
        case loggedUsers = "logged_users"
        case tcpConnections = "tcp_connections"
        case timestamp
    }

    /// Writes every field, `null` when missing, so each record has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(serverName, forKey: .serverName)
        try container.encode(cpuLoad1min, forKey: .cpuLoad1min)
        try container.encode(cpuLoad5min, forKey: .cpuLoad5min)
        try container.encode(cpuLoad15min, forKey: .cpuLoad15min)
        try container.encode(ramPercentage, forKey: .ramPercentage)
        try container.encode(diskPercentage, forKey: .diskPercentage)
        try container.encode(loggedUsers, forKey: .loggedUsers)
        try container.encode(tcpConnections, forKey: .tcpConnections)
        try container.encode(timestamp, forKey: .timestamp)
    }
}

/// One point of `GET /api/servers/{name}/metrics/historical/{hours}` (seed field names).
public struct HistoricalPoint: Sendable, Equatable, Codable {
    /// When the sample was collected.
    public var timestamp: Date
    /// 5-minute load average; `null` when not read.
    public var cpuLoad5min: Double?
    /// Memory in use in percent, rounded to 2 decimals; `null` when not read.
    public var ramPercentage: Double?
    /// The headline filesystem's use in percent, rounded to 2 decimals; `null` when not read.
    public var diskPercentage: Double?

    /// Creates a point.
    public init(timestamp: Date, cpuLoad5min: Double?, ramPercentage: Double?, diskPercentage: Double?) {
        self.timestamp = timestamp
        self.cpuLoad5min = cpuLoad5min
        self.ramPercentage = ramPercentage
        self.diskPercentage = diskPercentage
    }

    enum CodingKeys: String, CodingKey {
        case timestamp
        case cpuLoad5min = "cpu_load_5min"
        case ramPercentage = "ram_percentage"
        case diskPercentage = "disk_percentage"
    }

    /// Writes every field, `null` when missing, so each point has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(cpuLoad5min, forKey: .cpuLoad5min)
        try container.encode(ramPercentage, forKey: .ramPercentage)
        try container.encode(diskPercentage, forKey: .diskPercentage)
    }
}

/// `GET /api/servers/{name}/status` (seed field names).
public struct ServerStatusRecord: Sendable, Equatable, Codable {
    /// The server's inventory name.
    public var serverName: String
    /// The overall status, offline rule included.
    public var status: ServerStatus
    /// CPU against its threshold.
    public var cpuStatus: MetricStatus
    /// Memory against its threshold.
    public var ramStatus: MetricStatus
    /// The headline filesystem against its threshold.
    public var diskStatus: MetricStatus
    /// The hottest temperature against its threshold (`normal` when the host reports none).
    /// Beyond the seed's fields, so a server whose status comes from its temperature says so.
    public var temperatureStatus: MetricStatus
    /// The highest inode use against its threshold (`normal` when not reported); beyond the seed's fields.
    public var inodesStatus: MetricStatus
    /// When the newest successful sample was collected; `null` before the first.
    public var lastSeen: Date?

    /// The status record of a classified server.
    public init(serverName: String, report: StatusReport, lastSeen: Date?) {
        self.serverName = serverName
        status = report.status
        cpuStatus = report.cpu
        ramStatus = report.ram
        diskStatus = report.disk
        temperatureStatus = report.temperature
        inodesStatus = report.inodes
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name"
        case status
        case cpuStatus = "cpu_status"
        case ramStatus = "ram_status"
        case diskStatus = "disk_status"
        case temperatureStatus = "temperature_status"
        case inodesStatus = "inodes_status"
        case lastSeen = "last_seen"
    }

    /// Reads a record; the fields beyond the seed's are `normal` when absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serverName = try container.decode(String.self, forKey: .serverName)
        status = try container.decode(ServerStatus.self, forKey: .status)
        cpuStatus = try container.decode(MetricStatus.self, forKey: .cpuStatus)
        ramStatus = try container.decode(MetricStatus.self, forKey: .ramStatus)
        diskStatus = try container.decode(MetricStatus.self, forKey: .diskStatus)
        temperatureStatus = try container.decodeIfPresent(MetricStatus.self, forKey: .temperatureStatus) ?? .normal
        inodesStatus = try container.decodeIfPresent(MetricStatus.self, forKey: .inodesStatus) ?? .normal
        lastSeen = try container.decodeIfPresent(Date.self, forKey: .lastSeen)
    }

    /// Writes every field, `last_seen` as `null` when missing.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(serverName, forKey: .serverName)
        try container.encode(status, forKey: .status)
        try container.encode(cpuStatus, forKey: .cpuStatus)
        try container.encode(ramStatus, forKey: .ramStatus)
        try container.encode(diskStatus, forKey: .diskStatus)
        try container.encode(temperatureStatus, forKey: .temperatureStatus)
        try container.encode(inodesStatus, forKey: .inodesStatus)
        try container.encode(lastSeen, forKey: .lastSeen)
    }
}

/// One row of `GET /api/users/top` (seed field names).
public struct TopUserRecord: Sendable, Equatable, Codable {
    /// The user name as the host reported it, cleaned by `HostText.clean`.
    public var username: String
    /// The inventory name of the server.
    public var serverName: String
    /// CPU in percent of one core, summed over the user's processes (can exceed 100).
    public var cpu: Double
    /// Resident memory in percent of total memory.
    public var mem: Double
    /// Home-directory use in bytes, `null` when not measured.
    public var disk: Int64?
    /// Number of processes the user owns.
    public var processCount: Int
    /// The command name of the user's busiest process; `null` when unknown.
    public var topProcess: String?
    /// When the sample this row comes from was collected.
    public var timestamp: Date?

    /// Creates a row.
    public init(username: String, serverName: String, cpu: Double, mem: Double, disk: Int64?, processCount: Int, topProcess: String?, timestamp: Date? = nil) {
        self.username = username
        self.serverName = serverName
        self.cpu = cpu
        self.mem = mem
        self.disk = disk
        self.processCount = processCount
        self.topProcess = topProcess
        self.timestamp = timestamp
    }

    enum CodingKeys: String, CodingKey {
        case username
        case serverName = "server_name"
        case cpu
        case mem
        case disk
        case processCount = "process_count"
        case topProcess = "top_process"
        case timestamp
    }

    /// Writes every field, `null` when missing, so each row has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(username, forKey: .username)
        try container.encode(serverName, forKey: .serverName)
        try container.encode(cpu, forKey: .cpu)
        try container.encode(mem, forKey: .mem)
        try container.encode(disk, forKey: .disk)
        try container.encode(processCount, forKey: .processCount)
        try container.encode(topProcess, forKey: .topProcess)
        try container.encode(timestamp, forKey: .timestamp)
    }
}

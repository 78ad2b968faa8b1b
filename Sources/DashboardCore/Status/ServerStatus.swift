import FoundationEssentials

/// A server's overall state, as coloured on the dashboard.
public enum ServerStatus: String, Sendable, Codable, CaseIterable {
    /// Green: every metric normal.
    case healthy
    /// Yellow: at least one metric at warning level.
    case warning
    /// Red: at least one metric at critical level.
    case critical
    /// Grey: the last attempt failed, or no sample for 2 × the collection interval.
    case offline
}

/// One metric's state against its threshold.
public enum MetricStatus: String, Sendable, Codable, CaseIterable, Comparable {
    case normal
    case warning
    case critical

    private var rank: Int {
        switch self {
        case .normal: 0
        case .warning: 1
        case .critical: 2
        }
    }

    /// Orders by severity: normal < warning < critical.
    public static func < (lhs: MetricStatus, rhs: MetricStatus) -> Bool { lhs.rank < rhs.rank }
}

/// The status of one server with the per-metric breakdown behind it.
public struct StatusReport: Sendable, Equatable {
    /// The overall colour: offline by the offline rule, else the worst metric's level.
    public var status: ServerStatus
    /// CPU (utilisation, else load per core) against its threshold; `normal` when not read.
    public var cpu: MetricStatus
    /// Memory in use against its threshold; `normal` when not read.
    public var ram: MetricStatus
    /// The headline filesystem's use against its threshold; `normal` when not read.
    public var disk: MetricStatus
    /// The hottest temperature against its threshold; `normal` when not read.
    public var temperature: MetricStatus
    /// The highest inode use against its threshold; `normal` when not read.
    public var inodes: MetricStatus

    /// Creates a report; temperature and inodes are `normal` unless given.
    public init(
        status: ServerStatus, cpu: MetricStatus, ram: MetricStatus, disk: MetricStatus, temperature: MetricStatus = .normal, inodes: MetricStatus = .normal
    ) {
        self.status = status
        self.cpu = cpu
        self.ram = ram
        self.disk = disk
        self.temperature = temperature
        self.inodes = inodes
    }
}

/// Applies thresholds and the offline rule (no sample for twice the collection interval) to a server's latest sample.
public struct StatusClassifier: Sendable {
    /// The warning and critical levels of each metric.
    public var thresholds: Thresholds
    /// How often the collector runs; a server is offline after twice this without a sample.
    public var collectionInterval: TimeInterval

    /// Creates a classifier.
    public init(thresholds: Thresholds = .defaults, collectionInterval: TimeInterval = 15 * 60) {
        self.thresholds = thresholds
        self.collectionInterval = collectionInterval
    }

    /// The CPU figure statuses are judged on: utilisation, or load per core when utilisation is missing.
    public static func cpuFigure(of sample: MetricSample) -> Double? {
        if let cpu = sample.cpuPercent { return cpu }
        if let load = sample.load1, let cores = sample.cpuCores, cores > 0 { return load / Double(cores) * 100 }
        return nil
    }

    /// Classifies a server at time `now`.
    public func classify(_ snapshot: ServerSnapshot, now: Date = Date()) -> StatusReport {
        guard let sample = snapshot.latest else {
            return StatusReport(status: .offline, cpu: .normal, ram: .normal, disk: .normal)
        }
        // The server's own thresholds (per server or tag in the inventory) win over the global ones.
        let thresholds = snapshot.server.thresholds ?? self.thresholds
        let cpu = thresholds.cpu.classify(Self.cpuFigure(of: sample))
        let ram = thresholds.ram.classify(sample.ramPercent)
        let disk = thresholds.disk.classify(sample.diskPercent)
        // Temperature and inode use colour the server like the other thresholded figures (docs/notifications.md).
        let temperature = thresholds.temperature.classify(MetricCatalogue.value(judgedBy: .temperature, in: sample))
        let inodes = thresholds.inodes.classify(MetricCatalogue.value(judgedBy: .inodes, in: sample))
        if isOffline(snapshot, now: now) {
            return StatusReport(status: .offline, cpu: cpu, ram: ram, disk: disk, temperature: temperature, inodes: inodes)
        }
        let worst = max(cpu, ram, disk, temperature, inodes)
        let status: ServerStatus =
            switch worst {
            case .normal: .healthy
            case .warning: .warning
            case .critical: .critical
            }
        return StatusReport(status: status, cpu: cpu, ram: ram, disk: disk, temperature: temperature, inodes: inodes)
    }

    /// Whether the server counts as offline at `now`.
    public func isOffline(_ snapshot: ServerSnapshot, now: Date = Date()) -> Bool {
        guard let sample = snapshot.latest else { return true }
        if snapshot.server.lastError != nil,
            let attempt = snapshot.server.lastAttemptAt, attempt >= sample.collectedAt
        {
            return true
        }
        return now.timeIntervalSince(sample.collectedAt) > 2 * collectionInterval
    }
}

import FoundationEssentials

/// Warning and critical levels for one metric: in percent, or in °C for the temperature.
public struct Threshold: Sendable, Equatable, Codable {
    /// At or above this level (a percentage 0–100, or °C) a metric is at warning level.
    public var warning: Double
    /// At or above this level a metric is critical.
    public var critical: Double

    /// Creates a threshold; `warning` should not exceed `critical`.
    public init(warning: Double, critical: Double) {
        self.warning = warning
        self.critical = critical
    }

    /// Classifies a value: at or above critical is critical, at or above warning is warning.
    public func classify(_ value: Double?) -> MetricStatus {
        guard let value, value.isFinite else { return .normal }
        if value >= critical { return .critical }
        if value >= warning { return .warning }
        return .normal
    }
}

/// The thresholds behind every status colour, overridable by `THRESHOLD_*` variables (docs/configuration.md).
public struct Thresholds: Sendable, Equatable, Codable {
    /// CPU utilisation (or load per core) in percent; 70/90 by default.
    public var cpu: Threshold
    /// Memory in use in percent; 80/95 by default.
    public var ram: Threshold
    /// The headline filesystem's use in percent; 80/90 by default.
    public var disk: Threshold
    /// The hottest temperature reading in °C; 75/90 by default.
    public var temperature: Threshold
    /// The highest inode use among the filesystems the disk figure considers, in percent; 80/90 by default.
    public var inodes: Threshold

    /// The defaults: CPU 70/90, RAM 80/95, disk 80/90, temperature 75/90 °C, inodes 80/90.
    public static let defaults = Thresholds(
        cpu: Threshold(warning: 70, critical: 90),
        ram: Threshold(warning: 80, critical: 95),
        disk: Threshold(warning: 80, critical: 90),
        temperature: Threshold(warning: 75, critical: 90),
        inodes: Threshold(warning: 80, critical: 90)
    )

    /// Creates a set of thresholds; temperature and inodes keep their defaults unless given.
    public init(
        cpu: Threshold, ram: Threshold, disk: Threshold, temperature: Threshold = Threshold(warning: 75, critical: 90),
        inodes: Threshold = Threshold(warning: 80, critical: 90)
    ) {
        self.cpu = cpu
        self.ram = ram
        self.disk = disk
        self.temperature = temperature
        self.inodes = inodes
    }

    /// Decodes a stored set (`servers.thresholds`); a set stored before temperature and inodes
    /// had levels takes the defaults for them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            cpu: try container.decode(Threshold.self, forKey: .cpu),
            ram: try container.decode(Threshold.self, forKey: .ram),
            disk: try container.decode(Threshold.self, forKey: .disk),
            temperature: try container.decodeIfPresent(Threshold.self, forKey: .temperature) ?? Self.defaults.temperature,
            inodes: try container.decodeIfPresent(Threshold.self, forKey: .inodes) ?? Self.defaults.inodes
        )
    }

    /// Reads `THRESHOLD_{CPU,RAM,DISK,TEMPERATURE,INODES}_{WARNING,CRITICAL}` over the defaults.
    ///
    /// - Throws: `ConfigurationError` naming the key when a value is not a number in 0…100
    ///   (0…150 °C for the temperature) or a warning level lies above its critical level.
    public init(environment: [String: String]) throws(ConfigurationError) {
        func read(_ metric: String, _ fallback: Threshold) throws(ConfigurationError) -> Threshold {
            let warningKey = "THRESHOLD_\(metric)_WARNING"
            let criticalKey = "THRESHOLD_\(metric)_CRITICAL"
            let range = ThresholdOverrides.range(of: metric.lowercased())
            let warning = try environment.level(warningKey, in: range) ?? fallback.warning
            let critical = try environment.level(criticalKey, in: range) ?? fallback.critical
            guard warning <= critical else {
                throw ConfigurationError(key: warningKey, message: "warning level \(warning) is above \(criticalKey)=\(critical)")
            }
            return Threshold(warning: warning, critical: critical)
        }
        self.init(
            cpu: try read("CPU", Self.defaults.cpu),
            ram: try read("RAM", Self.defaults.ram),
            disk: try read("DISK", Self.defaults.disk),
            temperature: try read("TEMPERATURE", Self.defaults.temperature),
            inodes: try read("INODES", Self.defaults.inodes)
        )
    }
}

extension Dictionary where Key == String, Value == String {
    /// A level in `range` (0…100 for a percentage) under `key`, `nil` when unset or empty.
    fileprivate func level(_ key: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
        guard let raw = self[key]?.trimmingWhitespace(), !raw.isEmpty else { return nil }
        guard let value = Double(raw), value.isFinite, range.contains(value) else {
            throw ConfigurationError(key: key, message: ThresholdOverrides.rangeText(range, got: String(raw.prefix(40))))
        }
        return value
    }
}

import FoundationEssentials

/// Warning and critical levels, in percent, for one metric.
public struct Threshold: Sendable, Equatable, Codable {
    /// At or above this percentage (0–100) a metric is at warning level.
    public var warning: Double
    /// At or above this percentage (0–100) a metric is critical.
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

    /// The defaults: CPU 70/90, RAM 80/95, disk 80/90.
    public static let defaults = Thresholds(
        cpu: Threshold(warning: 70, critical: 90),
        ram: Threshold(warning: 80, critical: 95),
        disk: Threshold(warning: 80, critical: 90)
    )

    /// Creates a set of thresholds.
    public init(cpu: Threshold, ram: Threshold, disk: Threshold) {
        self.cpu = cpu
        self.ram = ram
        self.disk = disk
    }

    /// Reads `THRESHOLD_{CPU,RAM,DISK}_{WARNING,CRITICAL}` over the defaults.
    ///
    /// - Throws: `ConfigurationError` naming the key when a value is not a number in 0…100
    ///   or a warning level lies above its critical level.
    public init(environment: [String: String]) throws(ConfigurationError) {
        func read(_ metric: String, _ fallback: Threshold) throws(ConfigurationError) -> Threshold {
            let warningKey = "THRESHOLD_\(metric)_WARNING"
            let criticalKey = "THRESHOLD_\(metric)_CRITICAL"
            let warning = try environment.percent(warningKey) ?? fallback.warning
            let critical = try environment.percent(criticalKey) ?? fallback.critical
            guard warning <= critical else {
                throw ConfigurationError(key: warningKey, message: "warning level \(warning) is above \(criticalKey)=\(critical)")
            }
            return Threshold(warning: warning, critical: critical)
        }
        self.init(
            cpu: try read("CPU", Self.defaults.cpu),
            ram: try read("RAM", Self.defaults.ram),
            disk: try read("DISK", Self.defaults.disk)
        )
    }
}

extension Dictionary where Key == String, Value == String {
    /// A percentage in 0…100 under `key`, `nil` when unset or empty.
    fileprivate func percent(_ key: String) throws(ConfigurationError) -> Double? {
        guard let raw = self[key]?.trimmingWhitespace(), !raw.isEmpty else { return nil }
        guard let value = Double(raw), value.isFinite, (0...100).contains(value) else {
            throw ConfigurationError(key: key, message: "expected a percentage from 0 to 100, got \"\(raw.prefix(40))\"")
        }
        return value
    }
}

import FoundationEssentials

/// Thresholds set for one server or one tag, any level of any metric (the rest comes
/// from the next less specific rule): `SERVERn_THRESHOLD_DISK_WARNING=92`, or
/// `thresholds: {disk: {warning: 92}}` in `SERVERS_FILE`.
public struct ThresholdOverrides: Sendable, Equatable {
    /// The levels set, by metric (`cpu`, `ram`, `disk`) and level (`warning`, `critical`).
    public var levels: [String: [String: Double]]

    /// The metrics that can carry thresholds.
    public static let metrics = ["cpu", "ram", "disk", "temperature", "inodes"]

    /// The levels `metric` may take: 0…150 °C for the temperature, a percentage 0…100 for the rest.
    public static func range(of metric: String) -> ClosedRange<Double> {
        metric == "temperature" ? 0...150 : 0...100
    }

    /// What a bad level is told: `expected a percentage from 0 to 100, got "x"`.
    public static func rangeText(_ range: ClosedRange<Double>, got raw: String) -> String {
        let what = range.upperBound == 100 ? "a percentage" : "a temperature in °C"
        return "expected \(what) from \(Int(range.lowerBound)) to \(Int(range.upperBound)), got \"\(raw)\""
    }
    /// The levels a metric can carry.
    public static let levelNames = ["warning", "critical"]

    /// Creates overrides from `levels`.
    public init(_ levels: [String: [String: Double]] = [:]) {
        self.levels = levels
    }

    /// Whether nothing is set.
    public var isEmpty: Bool { levels.values.allSatisfy(\.isEmpty) }

    /// The level of `metric` at `level`, when set here.
    public func value(_ metric: String, _ level: String) -> Double? { levels[metric]?[level] }

    /// Reads `<prefix>THRESHOLD_<CPU|RAM|DISK|TEMPERATURE|INODES>_<WARNING|CRITICAL>` (e.g. `SERVER3_`).
    ///
    /// - Throws: `ConfigurationError` naming the key when a value is not a percentage.
    public init(environment: [String: String], prefix: String) throws(ConfigurationError) {
        var levels: [String: [String: Double]] = [:]
        for metric in Self.metrics {
            for level in Self.levelNames {
                let key = "\(prefix)THRESHOLD_\(metric.uppercased())_\(level.uppercased())"
                guard let raw = environment[key]?.trimmingWhitespace(), !raw.isEmpty else { continue }
                guard let value = Double(raw), value.isFinite, Self.range(of: metric).contains(value) else {
                    throw ConfigurationError(key: key, message: Self.rangeText(Self.range(of: metric), got: String(raw.prefix(40))))
                }
                levels[metric, default: [:]][level] = value
            }
        }
        self.init(levels)
    }
}

/// The alert rules of the inventory: global thresholds, per-tag thresholds and maintenance
/// windows, resolved for each server, the most specific winning (server, then the first of
/// its tags that sets the level, then `THRESHOLD_*`).
public struct AlertRules: Sendable, Equatable {
    /// `THRESHOLD_*` over the defaults.
    public var global: Thresholds
    /// `tag_thresholds:` of `SERVERS_FILE`, by tag.
    public var tagThresholds: [String: ThresholdOverrides]
    /// `tag_maintenance:` of `SERVERS_FILE`, by tag.
    public var tagMaintenance: [String: [MaintenanceWindow]]

    /// Creates a rule set.
    public init(global: Thresholds = .defaults, tagThresholds: [String: ThresholdOverrides] = [:], tagMaintenance: [String: [MaintenanceWindow]] = [:]) {
        self.global = global
        self.tagThresholds = tagThresholds
        self.tagMaintenance = tagMaintenance
    }

    /// The thresholds that apply to `server`. Where the levels found cross (a warning above
    /// the critical level), the one set more specifically wins and the other moves to it:
    /// `SERVERn_THRESHOLD_DISK_WARNING=92` under the global critical 90 gives 92/92.
    public func thresholds(for server: ServerConfig) -> Thresholds {
        func level(_ metric: String, _ level: String, _ fallback: Double) -> (value: Double, rank: Int) {
            if let own = server.thresholds.value(metric, level) { return (own, 2) }
            for tag in server.tags {
                if let value = tagThresholds[tag]?.value(metric, level) { return (value, 1) }
            }
            return (fallback, 0)
        }
        func threshold(_ metric: String, _ global: Threshold) -> Threshold {
            let warning = level(metric, "warning", global.warning)
            let critical = level(metric, "critical", global.critical)
            guard warning.value > critical.value else { return Threshold(warning: warning.value, critical: critical.value) }
            return warning.rank > critical.rank
                ? Threshold(warning: warning.value, critical: warning.value) : Threshold(warning: critical.value, critical: critical.value)
        }
        return Thresholds(
            cpu: threshold("cpu", global.cpu), ram: threshold("ram", global.ram), disk: threshold("disk", global.disk),
            temperature: threshold("temperature", global.temperature), inodes: threshold("inodes", global.inodes))
    }

    /// The maintenance windows of `server`: its own, then its tags'.
    public func maintenance(for server: ServerConfig) -> [MaintenanceWindow] {
        var windows = server.maintenance
        for tag in server.tags {
            for window in tagMaintenance[tag] ?? [] where !windows.contains(window) { windows.append(window) }
        }
        return windows
    }
}

import DashboardCore
import Yams

/// The alert rules a `SERVERS_FILE` can carry (docs/notifications.md, "Rules"):
/// `thresholds:` and `maintenance:` on an entry, `tag_thresholds:` and `tag_maintenance:`
/// at the top.
///
/// ```yaml
/// tag_thresholds:
///   db: {ram: {warning: 90}}
/// tag_maintenance:
///   db: ["sat 01:00-03:00"]
/// servers:
///   - name: web-01
///     thresholds: {disk: {warning: 92, critical: 97}}
///     maintenance: ["sun 02:00-04:00"]
/// ```
enum YAMLAlertRules {
    /// `{cpu: {warning: 70, critical: 90}, disk: {warning: 92}}`, or why it is not of that shape.
    static func thresholds(_ node: Node) -> Result<ThresholdOverrides, RuleProblem> {
        guard case .mapping(let metrics) = node else { return .failure(RuleProblem("thresholds must be a mapping like {disk: {warning: 92, critical: 97}}")) }
        var levels: [String: [String: Double]] = [:]
        for (metricKey, levelNode) in metrics {
            let metric = metricKey.scalar?.string.lowercased() ?? ""
            guard ThresholdOverrides.metrics.contains(metric) else {
                return .failure(RuleProblem("thresholds: unknown metric \(String(metric.prefix(40))) (use cpu, ram, disk, temperature or inodes)"))
            }
            guard case .mapping(let levelMap) = levelNode else {
                return .failure(RuleProblem("thresholds.\(metric) must be a mapping like {warning: 80, critical: 90}"))
            }
            for (levelKey, valueNode) in levelMap {
                let level = levelKey.scalar?.string.lowercased() ?? ""
                guard ThresholdOverrides.levelNames.contains(level) else {
                    return .failure(RuleProblem("thresholds.\(metric): unknown level \(String(level.prefix(40))) (use warning or critical)"))
                }
                let range = ThresholdOverrides.range(of: metric)
                guard let text = valueNode.scalar?.string, let value = Double(text), value.isFinite, range.contains(value) else {
                    let what = range.upperBound == 100 ? "a percentage" : "a temperature in °C"
                    return .failure(RuleProblem("thresholds.\(metric).\(level) must be \(what) from 0 to \(Int(range.upperBound))"))
                }
                levels[metric, default: [:]][level] = value
            }
            if let warning = levels[metric]?["warning"], let critical = levels[metric]?["critical"], warning > critical {
                return .failure(RuleProblem("thresholds.\(metric): warning \(warning) is above critical \(critical)"))
            }
        }
        return .success(ThresholdOverrides(levels))
    }

    /// `["sun 02:00-04:00", "daily 23:00-23:30"]` (or one such text), or why not.
    static func windows(_ node: Node) -> Result<[MaintenanceWindow], RuleProblem> {
        let items: [Node] = if case .sequence(let list) = node { Array(list) } else { [node] }
        var windows: [MaintenanceWindow] = []
        for item in items {
            guard let text = item.scalar?.string, let window = MaintenanceWindow(text) else {
                let shown = item.scalar.map { "\"\(String($0.string.prefix(40)))\"" } ?? "a value"
                return .failure(RuleProblem("maintenance: \(shown) is not a window like \"sun 02:00-04:00\" (a weekday or daily, then HH:MM-HH:MM in UTC)"))
            }
            windows.append(window)
        }
        return .success(windows)
    }

    /// A top-level `tag_thresholds:` or `tag_maintenance:` mapping of tag → rule; a bad tag's
    /// rule is reported and ignored.
    static func byTag<Rule>(_ node: Node, key: String, parse: (Node) -> Result<Rule, RuleProblem>, problems: inout [InventoryProblem]) -> [String: Rule] {
        guard case .mapping(let mapping) = node else {
            problems.append(InventoryProblem(entry: "SERVERS_FILE", message: "\(key) must be a mapping of tag to rules; ignored"))
            return [:]
        }
        var rules: [String: Rule] = [:]
        for (tagNode, ruleNode) in mapping {
            guard let tag = tagNode.scalar?.string, !tag.isEmpty else { continue }
            switch parse(ruleNode) {
            case .success(let rule): rules[tag] = rule
            case .failure(let reason):
                problems.append(InventoryProblem(entry: "SERVERS_FILE", message: "\(key).\(String(tag.prefix(40))): \(reason.text); ignored"))
            }
        }
        return rules
    }
}

/// Why a rule in `SERVERS_FILE` could not be read.
struct RuleProblem: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

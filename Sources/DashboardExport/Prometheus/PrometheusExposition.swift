import FoundationEssentials

/// A document in the Prometheus text exposition format 0.0.4, built in memory.
///
/// Samples are grouped under their metric family whatever order they are added in, and
/// each family gets its `# HELP` and `# TYPE` lines once, in the order families were
/// first declared or used. A sample belongs to the family of the same name or, for a
/// histogram or summary, the family its `_bucket`, `_sum` or `_count` suffix extends; a
/// sample of an undeclared name starts an `untyped` family without help.
///
/// Names are checked (`[a-zA-Z_:][a-zA-Z0-9_:]*` for metrics, `[a-zA-Z_][a-zA-Z0-9_]*`
/// without a leading `__` for labels) and a bad one is a thrown error, not a crash: label
/// names can come from configuration. Label values and help texts may hold anything and
/// are escaped as the format requires.
public struct PrometheusExposition: Sendable, Equatable {
    /// The media type to serve the output with.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A metric family's type, as the `# TYPE` line spells it.
    public enum MetricType: String, Sendable, Equatable {
        case counter, gauge, histogram, summary, untyped
    }

    private struct Family: Sendable, Equatable {
        var name: String
        var type: MetricType
        var help: String?
        var lines: [String] = []
        var series: Set<String> = []
    }

    private var families: [Family] = []
    private var familyIndex: [String: Int] = [:]

    /// Creates an empty document.
    public init() {}

    /// Declares a metric family with its type and help text; declaring it again with the same type does nothing.
    public mutating func declare(_ name: String, type: MetricType, help: String) throws {
        try Self.validateMetricName(name)
        if let index = familyIndex[name] {
            guard families[index].type == type else {
                throw PrometheusExpositionError(
                    kind: .conflictingType, message: "metric family \(name) is already a \(families[index].type.rawValue), not a \(type.rawValue)")
            }
            if families[index].help == nil {
                families[index].help = help
            }
            return
        }
        familyIndex[name] = families.count
        families.append(Family(name: name, type: type, help: help))
    }

    /// Adds one sample: `name{labels} value [timestamp]`, labels in the given order.
    public mutating func append(_ name: String, labels: [(name: String, value: String)] = [], value: Double, timestamp: Date? = nil) throws {
        try Self.validateMetricName(name)
        var seen = Set<String>()
        for label in labels {
            try Self.validateLabelName(label.name)
            guard seen.insert(label.name).inserted else {
                throw PrometheusExpositionError(kind: .duplicateLabel, message: "label \(label.name) appears twice in a sample of \(name)")
            }
        }
        let index = familyIndex(forSample: name)
        // The series identity ignores label order: {a="1",b="2"} and {b="2",a="1"} are the same series.
        let identity = name + "\u{0}" + labels.sorted { $0.name < $1.name }.map { "\($0.name)\u{0}\($0.value)" }.joined(separator: "\u{0}")
        guard families[index].series.insert(identity).inserted else {
            throw PrometheusExpositionError(kind: .duplicateSeries, message: "a sample of \(name) with the same labels was already added")
        }
        var line = name
        if !labels.isEmpty {
            line += "{" + labels.map { "\($0.name)=\"\(Self.escapedLabelValue($0.value))\"" }.joined(separator: ",") + "}"
        }
        line += " " + Self.formatted(value)
        if let timestamp, let milliseconds = Self.milliseconds(timestamp) {
            line += " \(milliseconds)"
        }
        families[index].lines.append(line)
    }

    /// Declares a gauge (if needed) and adds one sample of it.
    public mutating func gauge(_ name: String, help: String, labels: [(name: String, value: String)] = [], value: Double) throws {
        try declare(name, type: .gauge, help: help)
        try append(name, labels: labels, value: value)
    }

    /// Declares a counter (if needed) and adds one sample of it.
    public mutating func counter(_ name: String, help: String, labels: [(name: String, value: String)] = [], value: Double) throws {
        try declare(name, type: .counter, help: help)
        try append(name, labels: labels, value: value)
    }

    /// The document's text; every line, the last included, ends with LF.
    public func text() -> String {
        var out = ""
        for family in families {
            if let help = family.help {
                out += "# HELP \(family.name) \(Self.escapedHelp(help))\n"
            }
            out += "# TYPE \(family.name) \(family.type.rawValue)\n"
            for line in family.lines {
                out += line
                out += "\n"
            }
        }
        return out
    }

    /// The document's text as UTF-8 bytes.
    public func encoded() -> [UInt8] {
        Array(text().utf8)
    }

    private mutating func familyIndex(forSample name: String) -> Int {
        if let index = familyIndex[name] {
            return index
        }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let index = familyIndex[base] {
                let type = families[index].type
                if type == .histogram || (type == .summary && suffix != "_bucket") {
                    return index
                }
            }
        }
        familyIndex[name] = families.count
        families.append(Family(name: name, type: .untyped, help: nil))
        return families.count - 1
    }
}

extension PrometheusExposition {
    /// A sample value as Prometheus parses it: `NaN`, `+Inf`, `-Inf`, whole numbers below
    /// 2^63 as plain digits, anything else in the shortest form that reads back exactly.
    public static func formatted(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        return ExportCell.decimalText(value) ?? "NaN"
    }

    /// Escapes a label value: backslash, double quote and line feed.
    public static func escapedLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Escapes a help text: backslash and line feed.
    public static func escapedHelp(_ help: String) -> String {
        var out = ""
        out.reserveCapacity(help.utf8.count)
        for character in help.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Whether a metric name matches `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isValidMetricName(_ name: String) -> Bool {
        isValidName(name, allowingColon: true)
    }

    /// Whether a label name matches `[a-zA-Z_][a-zA-Z0-9_]*` and does not start with the reserved `__`.
    public static func isValidLabelName(_ name: String) -> Bool {
        isValidName(name, allowingColon: false) && !name.hasPrefix("__")
    }

    private static func isValidName(_ name: String, allowingColon: Bool) -> Bool {
        guard !name.isEmpty else { return false }
        for (offset, byte) in name.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): continue
            case UInt8(ascii: ":") where allowingColon: continue
            case UInt8(ascii: "0")...UInt8(ascii: "9") where offset > 0: continue
            default: return false
            }
        }
        return true
    }

    private static func validateMetricName(_ name: String) throws {
        guard isValidMetricName(name) else {
            throw PrometheusExpositionError(
                kind: .invalidMetricName, message: "\(String(reflecting: String(name.prefix(80)))) is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)")
        }
    }

    private static func validateLabelName(_ name: String) throws {
        guard isValidLabelName(name) else {
            throw PrometheusExpositionError(
                kind: .invalidLabelName,
                message: "\(String(reflecting: String(name.prefix(80)))) is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)")
        }
    }

    /// Milliseconds since the epoch, or `nil` when the instant does not fit an Int64.
    private static func milliseconds(_ date: Date) -> Int64? {
        let value = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard value.isFinite, abs(value) < 9.2e18 else { return nil }
        return Int64(value)
    }
}

import FoundationEssentials

/// Typed reads of settings from an environment dictionary, with errors that name the key.
public struct EnvironmentValues: Sendable {
    /// The settings by key, as given; the typed reads trim them.
    public var values: [String: String]

    /// Wraps a dictionary of settings.
    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The trimmed value under `key`, `nil` when unset or empty.
    public func string(_ key: String) -> String? {
        guard let raw = values[key]?.trimmingWhitespace(), !raw.isEmpty else { return nil }
        return raw
    }

    /// A whole number in `range`, or `defaultValue` when unset.
    public func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let raw = string(key) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigurationError(key: key, message: "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(raw.prefix(40))\"")
        }
        return value
    }

    /// A number of seconds in `range` (fractions allowed), or `defaultValue` when unset.
    public func seconds(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard let raw = string(key) else { return defaultValue }
        guard let value = Double(raw), value.isFinite, range.contains(value) else {
            throw ConfigurationError(key: key, message: "expected seconds from \(range.lowerBound) to \(range.upperBound), got \"\(raw.prefix(40))\"")
        }
        return value
    }

    /// One of `choices`, or `defaultValue` when unset.
    public func choice(_ key: String, default defaultValue: String, among choices: [String]) throws(ConfigurationError) -> String {
        guard let raw = string(key) else { return defaultValue }
        guard choices.contains(raw) else {
            throw ConfigurationError(key: key, message: "expected one of \(choices.joined(separator: ", ")), got \"\(raw.prefix(40))\"")
        }
        return raw
    }
}

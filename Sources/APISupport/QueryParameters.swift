import DashboardCore
import FoundationEssentials

/// A request's query parameters, decoded (percent-escapes and `+` as in HTML forms) and
/// read through typed accessors that answer 400 with the parameter's name when a value
/// is malformed or out of range. Empty values count as absent.
public struct QueryParameters: Sendable {
    /// Every parameter with a non-empty value, by decoded name (the first occurrence of each).
    public private(set) var values: [String: String] = [:]

    /// The longest parameter value accepted, in bytes.
    public static let maximumValueBytes = 512

    /// Parses a raw query string such as `a=1&b=x%20y`.
    public init(query: String?) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], name: nil)
            let value = parts.count > 1 ? try Self.decode(parts[1], name: name) : ""
            guard value.utf8.count <= Self.maximumValueBytes else {
                throw .badParameter(name, "longer than \(Self.maximumValueBytes) bytes")
            }
            // The first occurrence wins, as in most web frameworks.
            if values[name] == nil, !value.isEmpty {
                values[name] = value
            }
        }
    }

    private static func decode(_ raw: Substring, name: String?) throws(APIError) -> String {
        guard let decoded = PercentEncoding.decode(raw.replacing("+", with: " ")) else {
            throw .badParameter(name ?? String(raw.prefix(40)), "malformed percent-encoding")
        }
        guard !decoded.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw .badParameter(name ?? "query", "contains a NUL character")
        }
        return decoded
    }

    /// The raw text of `name`, or `nil` when absent.
    public func string(_ name: String) -> String? { values[name] }

    /// Text of at most `maximumLength` characters.
    public func text(_ name: String, maximumLength: Int = 255) throws(APIError) -> String? {
        guard let value = values[name] else { return nil }
        guard value.count <= maximumLength else {
            throw .badParameter(name, "longer than \(maximumLength) characters")
        }
        return value
    }

    /// A whole number in `range`; `defaultValue` when absent.
    public func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int? = nil) throws(APIError) -> Int? {
        guard let raw = values[name] else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw .badParameter(name, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(Self.quote(raw))'")
        }
        return value
    }

    /// A UTC ISO-8601 timestamp such as `2026-01-31T12:00:00Z`; `nil` when absent.
    public func timestamp(_ name: String) throws(APIError) -> Date? {
        guard let raw = values[name] else { return nil }
        guard let date = Timestamp.parse(raw) else {
            throw .badParameter(name, "expected an ISO-8601 timestamp such as 2026-01-31T12:00:00Z, got '\(Self.quote(raw))'")
        }
        return date
    }

    /// One of an enumeration's raw values; `defaultValue` when absent.
    public func choice<T: RawRepresentable & CaseIterable>(_ name: String, default defaultValue: T) throws(APIError) -> T where T.RawValue == String {
        guard let raw = values[name] else { return defaultValue }
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badParameter(name, "expected one of \(allowed), got '\(Self.quote(raw))'")
        }
        return value
    }

    /// A bounded, cleaned excerpt of a bad value for an error message.
    public static func quote(_ raw: String) -> String {
        HostText.clean(raw, maximumBytes: 40).text
    }
}

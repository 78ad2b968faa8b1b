import DashboardCore
import FoundationEssentials

/// A value that can be bound as a query parameter, in PostgreSQL's text format.
public protocol PostgresBindable: Sendable {
    /// The parameter's text, or `nil` for SQL NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    public var postgresText: String? { self }
}

extension Substring: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Double: PostgresBindable {
    /// Finite values in full precision; NaN and infinities bind as NULL (a probe never
    /// reports them, and a non-number is "not read", not a figure).
    public var postgresText: String? { isFinite ? "\(self)" : nil }
}

extension Bool: PostgresBindable {
    public var postgresText: String? { self ? "t" : "f" }
}

extension Date: PostgresBindable {
    /// UTC with microseconds, as `timestamptz` stores it.
    public var postgresText: String? { Timestamp.format(self, microseconds: true) }
}

extension Array: PostgresBindable where Element: PostgresArrayElement {
    /// An array literal: `{"a","b",NULL}`; cast it in SQL (`$1::text[]`).
    public var postgresText: String? {
        var literal = "{"
        for (index, element) in enumerated() {
            if index > 0 { literal += "," }
            literal += element.postgresArrayItem
        }
        literal += "}"
        return literal
    }
}

/// A value that can stand inside an array parameter.
public protocol PostgresArrayElement: Sendable {
    /// The element as it appears in an array literal, quoted where needed.
    var postgresArrayItem: String { get }
}

extension PostgresArrayElement where Self: PostgresBindable {
    public var postgresArrayItem: String {
        guard let text = postgresText else { return "NULL" }
        var quoted = "\""
        for character in text.unicodeScalars {
            if character == "\"" || character == "\\" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(character)
        }
        quoted += "\""
        return quoted
    }
}

extension String: PostgresArrayElement {}
extension Int: PostgresArrayElement {}
extension Int32: PostgresArrayElement {}
extension Int64: PostgresArrayElement {}
extension Double: PostgresArrayElement {}
extension Bool: PostgresArrayElement {}
extension Date: PostgresArrayElement {}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement & PostgresBindable {
    public var postgresArrayItem: String { self?.postgresArrayItem ?? "NULL" }
}

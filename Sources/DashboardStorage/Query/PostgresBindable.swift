import DashboardCore
import FoundationEssentials

/// A value that can be bound as a query parameter, in PostgreSQL's text format.
public protocol PostgresBindable: Sendable {
    /// The parameter's text, or `nil` for SQL NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    /// The string itself; one holding a NUL byte fails the query with `invalidParameter`.
    public var postgresText: String? { self }
}

extension Substring: PostgresBindable {
    /// The substring's text, as for `String`.
    public var postgresText: String? { String(self) }
}

extension Int: PostgresBindable {
    /// The number in decimal, e.g. `-42`.
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresBindable {
    /// The number in decimal.
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    /// The number in decimal.
    public var postgresText: String? { String(self) }
}

extension Double: PostgresBindable {
    /// Finite values in full precision; NaN and infinities bind as NULL (a probe never
    /// reports them, and a non-number is "not read", not a figure).
    public var postgresText: String? { isFinite ? "\(self)" : nil }
}

extension Bool: PostgresBindable {
    /// `t` or `f`, as PostgreSQL writes booleans.
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
    /// The text in double quotes, with `"` and `\` escaped by a backslash; a bare `NULL` when the value binds as NULL.
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
    /// `NULL` for `nil`, else the wrapped value's item.
    public var postgresArrayItem: String { self?.postgresArrayItem ?? "NULL" }
}

import CLibPQ
import DashboardCore
import Foundation

/// The rows of one statement. Owns its `PGresult` and frees it in `deinit`.
public final class QueryResult: @unchecked Sendable {
    // Read-only after creation; libpq results may be read from any thread.
    private let handle: OpaquePointer

    init(owning handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    /// Number of rows returned.
    public var count: Int { Int(PQntuples(handle)) }

    /// Rows touched by an INSERT/UPDATE/DELETE.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    /// The rows, in order.
    public var rows: [Row] { (0..<count).map { Row(result: self, index: Int32($0)) } }

    /// The first row, if any.
    public var first: Row? { count > 0 ? Row(result: self, index: 0) : nil }

    func columnIndex(_ name: String) -> Int32 { PQfnumber(handle, name) }

    func text(row: Int32, column: Int32) -> String? {
        guard column >= 0, column < PQnfields(handle), PQgetisnull(handle, row, column) == 0 else { return nil }
        return String(cString: PQgetvalue(handle, row, column))
    }

    func columnName(_ column: Int32) -> String {
        PQfname(handle, column).map { String(cString: $0) } ?? "#\(column)"
    }
}

/// One row of a result, read by column name into Swift types.
public struct Row: Sendable {
    let result: QueryResult
    let index: Int32

    private func raw(_ column: String) throws(StorageError) -> String? {
        let position = result.columnIndex(column)
        guard position >= 0 else {
            throw StorageError(kind: .decoding, message: "the query returned no column \"\(column)\"")
        }
        return result.text(row: index, column: position)
    }

    /// The column's value, `nil` when NULL.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(StorageError) -> T? {
        guard let text = try raw(column) else { return nil }
        guard let value = T(postgresText: text) else {
            throw StorageError(kind: .decoding, message: "column \"\(column)\" holds \"\(text.prefix(40))\", not a \(T.self)")
        }
        return value
    }

    /// The column's value; NULL is a decoding error.
    public func require<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(StorageError) -> T {
        guard let value = try decode(column, as: type) else {
            throw StorageError(kind: .decoding, message: "column \"\(column)\" is NULL where a \(T.self) was expected")
        }
        return value
    }
}

/// A type that can be read from PostgreSQL's text output.
public protocol PostgresDecodable {
    /// Parses PostgreSQL's text representation; `nil` if it is not one.
    init?(postgresText: String)
}

extension String: PostgresDecodable {
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Bool: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension Date: PostgresDecodable {
    public init?(postgresText: String) {
        guard let date = Timestamp.parse(postgresText) else { return nil }
        self = date
    }
}

extension Array: PostgresDecodable where Element == String {
    /// Parses a one-dimensional `text[]` output such as `{a,"b c",NULL}` (NULLs dropped).
    public init?(postgresText: String) {
        let scalars = Array<Unicode.Scalar>(postgresText.unicodeScalars)
        guard scalars.first == "{", scalars.last == "}" else { return nil }
        var items: [String] = []
        var index = 1
        let end = scalars.count - 1
        while index < end {
            var item = String.UnicodeScalarView()
            var quoted = false
            if scalars[index] == "\"" {
                quoted = true
                index += 1
                while index < end, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < end { index += 1 }
                    item.append(scalars[index])
                    index += 1
                }
                index += 1
            } else {
                while index < end, scalars[index] != "," {
                    item.append(scalars[index])
                    index += 1
                }
            }
            let text = String(item)
            if quoted || text != "NULL" { items.append(text) }
            if index < end, scalars[index] == "," { index += 1 }
        }
        self = items
    }
}

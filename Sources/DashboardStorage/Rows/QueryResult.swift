import CLibPQ
import DashboardCore
import FoundationEssentials
import Glibc

/// The rows of one statement. Owns its `PGresult` and frees it in `deinit`.
public final class QueryResult: @unchecked Sendable {
    // Read-only after creation; libpq results may be read from any thread.
    private let handle: OpaquePointer
    /// Each column's index by its name as the server sent it (the first of equal names, as
    /// `PQfnumber` gives): rows read by column name look it up here, not by a scan of the
    /// names per value (a fleet of 1,000 servers is about 45,000 values).
    private let indexByName: [String: Int32]

    init(owning handle: OpaquePointer) {
        self.handle = handle
        var names: [String: Int32] = [:]
        let fields = PQnfields(handle)
        names.reserveCapacity(Int(fields))
        for field in 0..<fields {
            guard let name = PQfname(handle, field) else { continue }
            let key = String(cString: name)
            if names[key] == nil { names[key] = field }
        }
        indexByName = names
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

    /// The index of the column called `name`; -1 when there is none. Names the server did
    /// not send verbatim (quoted or upper-case spellings) go to libpq's own folding rules.
    func columnIndex(_ name: String) -> Int32 { indexByName[name] ?? PQfnumber(handle, name) }

    /// The column called `name`, looked up once to read it from every row.
    public func column(_ name: String) throws(StorageError) -> Column {
        let index = columnIndex(name)
        guard index >= 0 else {
            throw StorageError(kind: .decoding, message: "the query returned no column \"\(name)\"")
        }
        return Column(index: index, binary: PQfformat(handle, index) == 1, type: UInt32(PQftype(handle, index)))
    }

    /// The value's text inside the result (valid while the result lives), `nil` for NULL.
    func bytes(row: Int32, column: Int32) -> UnsafePointer<CChar>? {
        guard column >= 0, column < PQnfields(handle), PQgetisnull(handle, row, column) == 0 else { return nil }
        return UnsafePointer(PQgetvalue(handle, row, column))
    }

    /// A binary-format value inside the result (valid while the result lives), `nil` for NULL.
    func binary(row: Int32, column: Int32) -> UnsafeRawBufferPointer? {
        guard column >= 0, column < PQnfields(handle), PQgetisnull(handle, row, column) == 0,
            let start = PQgetvalue(handle, row, column)
        else { return nil }
        return UnsafeRawBufferPointer(start: start, count: Int(PQgetlength(handle, row, column)))
    }

    func columnName(_ column: Int32) -> String {
        PQfname(handle, column).map { String(cString: $0) } ?? "#\(column)"
    }
}

/// A result column found by name once (`QueryResult.column(_:)`), so that reading it
/// from many rows does not look the name up for every value.
public struct Column: Sendable {
    // Plain values only, so reading tens of thousands of figures copies no references.
    let index: Int32
    /// Whether the values come in PostgreSQL's binary format (`SQLQuery.binaryResults`).
    let binary: Bool
    /// The column's type OID, which the binary format needs.
    let type: UInt32
}

/// One row of a result, read by column name into Swift types.
public struct Row: Sendable {
    let result: QueryResult
    let index: Int32

    /// The column's value, `nil` when NULL.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(StorageError) -> T? {
        try decode(try result.column(column), as: type)
    }

    /// The column's value; NULL is a decoding error.
    public func require<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(StorageError) -> T {
        try require(try result.column(column), as: type)
    }

    /// The value of a column found with `QueryResult.column(_:)`, `nil` when NULL.
    public func decode<T: PostgresDecodable>(_ column: Column, as type: T.Type = T.self) throws(StorageError) -> T? {
        if column.binary {
            guard let value = result.binary(row: index, column: column.index) else { return nil }
            guard let decoded = T(postgresBinary: value, type: column.type) else {
                throw StorageError(
                    kind: .decoding,
                    message: "column \"\(result.columnName(column.index))\" holds a binary value of type \(column.type) (\(value.count) bytes), not a \(T.self)"
                )
            }
            return decoded
        }
        guard let bytes = result.bytes(row: index, column: column.index) else { return nil }
        guard let value = T(postgresBytes: bytes) else {
            let text = String(cString: bytes)
            throw StorageError(kind: .decoding, message: "column \"\(result.columnName(column.index))\" holds \"\(text.prefix(40))\", not a \(T.self)")
        }
        return value
    }

    /// The value of a column found with `QueryResult.column(_:)`; NULL is a decoding error.
    public func require<T: PostgresDecodable>(_ column: Column, as type: T.Type = T.self) throws(StorageError) -> T {
        guard let value = try decode(column, as: type) else {
            throw StorageError(kind: .decoding, message: "column \"\(result.columnName(column.index))\" is NULL where a \(T.self) was expected")
        }
        return value
    }
}

/// A type that can be read from PostgreSQL's text output.
public protocol PostgresDecodable {
    /// Parses PostgreSQL's text representation; `nil` if it is not one.
    init?(postgresText: String)
    /// Parses the text in place in libpq's buffer; by default through `init?(postgresText:)`.
    init?(postgresBytes: UnsafePointer<CChar>)
    /// Reads PostgreSQL's binary format of a value whose type has OID `type`
    /// (see `PostgresDecodable+Binary.swift`); `nil` when it cannot (by default, always).
    init?(postgresBinary: UnsafeRawBufferPointer, type: UInt32)
}

extension PostgresDecodable {
    /// Copies the C string into a `String` and parses that with `init?(postgresText:)`.
    public init?(postgresBytes: UnsafePointer<CChar>) {
        self.init(postgresText: String(cString: postgresBytes))
    }

    /// Reads no binary format: always `nil`, so a binary column of this type is a decoding error.
    public init?(postgresBinary: UnsafeRawBufferPointer, type: UInt32) {
        return nil
    }
}

extension String: PostgresDecodable {
    /// The text as it is.
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresDecodable {
    /// Decimal digits with an optional sign; `nil` for anything else or a number out of range.
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresDecodable {
    /// Decimal digits with an optional sign; `nil` for anything else or a number out of range.
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresDecodable {
    /// A number as PostgreSQL prints it, `NaN` and `Infinity` included; `nil` for anything else.
    public init?(postgresText: String) { self.init(postgresText) }

    /// `strtod` without making a `String` first (history results hold tens of thousands
    /// of figures); anything it does not read whole goes through Swift's parser instead.
    public init?(postgresBytes: UnsafePointer<CChar>) {
        var end: UnsafeMutablePointer<CChar>?
        let value = strtod(postgresBytes, &end)
        if let end, end != UnsafeMutablePointer(mutating: postgresBytes), end.pointee == 0 {
            self = value
        } else {
            self.init(postgresText: String(cString: postgresBytes))
        }
    }
}

extension Bool: PostgresDecodable {
    /// `t` or `true`, `f` or `false`; `nil` for anything else.
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension Date: PostgresDecodable {
    /// A timestamp as PostgreSQL prints it, read by `Timestamp.parse` (no zone means UTC); `nil` for `infinity` or other text.
    public init?(postgresText: String) {
        guard let date = Timestamp.parse(postgresText) else { return nil }
        self = date
    }
}

extension Array: PostgresDecodable where Element == String {
    /// Parses a one-dimensional `text[]` output such as `{a,"b c",NULL}` (NULLs dropped).
    public init?(postgresText: String) {
        let scalars = [Unicode.Scalar](postgresText.unicodeScalars)
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

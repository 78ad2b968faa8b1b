/// A SQL statement whose interpolated values become bound parameters `$1, $2, …`.
///
/// ```swift
/// let query: SQLQuery = "SELECT id FROM servers WHERE name = \(name)"
/// // sql: "SELECT id FROM servers WHERE name = $1", one bound parameter
/// ```
/// Values never enter the SQL text. Trusted fragments chosen by the program (a sort
/// column from a fixed list) go in through `\(unsafeRaw:)`, which is the only way.
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation {
    /// The statement text with `$n` placeholders.
    public private(set) var sql: String
    /// The values to bind, in placeholder order.
    public private(set) var parameters: [any PostgresBindable]
    /// Asks PostgreSQL for the rows in its binary format rather than as text: much cheaper
    /// for results with many numbers (no formatting on the server, no parsing here).
    /// `Row` reads binary `double precision`, `real`, integer, `boolean`, text and
    /// timestamp columns; anything else (e.g. `numeric`: cast it) is a decoding error.
    public var binaryResults = false

    /// A statement without parameters.
    public init(stringLiteral value: String) {
        sql = value
        parameters = []
    }

    /// A statement built from an interpolated literal: each interpolated value becomes the next `$n`.
    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        parameters = stringInterpolation.parameters
    }

    /// Builds the text and the parameter list as the literal is read.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var parameters: [any PostgresBindable] = []

        /// Starts an empty statement, reserving room for the literal text and the placeholders.
        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        /// Appends SQL text written in the literal, verbatim.
        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value as the next parameter.
        public mutating func appendInterpolation(_ value: some PostgresBindable) {
            parameters.append(value)
            sql += "$\(parameters.count)"
        }

        /// Binds an optional value; `nil` binds SQL NULL.
        public mutating func appendInterpolation(_ value: (some PostgresBindable)?) {
            parameters.append(OptionalBindable(value: value))
            sql += "$\(parameters.count)"
        }

        /// Inserts program-chosen SQL text verbatim. Never pass a value from outside.
        public mutating func appendInterpolation(unsafeRaw fragment: String) {
            sql += fragment
        }
    }

    /// The parameters as libpq text values (`nil` for NULL).
    func encodedParameters() throws(StorageError) -> [String?] {
        var encoded: [String?] = []
        encoded.reserveCapacity(parameters.count)
        for (offset, parameter) in parameters.enumerated() {
            let text = parameter.postgresText
            if let text, text.utf8.contains(0) {
                throw StorageError(
                    kind: .invalidParameter, message: "parameter $\(offset + 1) contains a NUL byte, which PostgreSQL text cannot hold; clean it before storing"
                )
            }
            encoded.append(text)
        }
        return encoded
    }
}

/// Wraps an optional so `nil` binds as NULL.
struct OptionalBindable<Wrapped: PostgresBindable>: PostgresBindable {
    var value: Wrapped?
    var postgresText: String? { value?.postgresText }
}

extension SQLQuery {
    /// This query followed by `other`, whose placeholders are renumbered after ours.
    public func appending(_ other: SQLQuery) -> SQLQuery {
        var combined = self
        combined.append(other)
        return combined
    }

    /// Appends `other`, renumbering its placeholders after ours.
    public mutating func append(_ other: SQLQuery) {
        sql += parameters.isEmpty ? other.sql : Self.renumbering(other.sql, by: parameters.count)
        parameters += other.parameters
    }

    /// `sql` with every placeholder `$n` (ASCII digits) made `$(n + offset)`; a byte scan, as
    /// the collector builds each sample's statement (a few KB) this way for every server.
    static func renumbering(_ sql: String, by offset: Int) -> String {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        var text = sql
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 64)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                output.append(byte)
                guard byte == UInt8(ascii: "$"), index < bytes.count, digits.contains(bytes[index]) else { continue }
                var number = 0
                while index < bytes.count, digits.contains(bytes[index]) {
                    number = number * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                }
                output.append(contentsOf: String(number + offset).utf8)
            }
            return String(decoding: output, as: UTF8.self)
        }
    }
}

import FoundationEssentials

/// PostgreSQL's binary output (`SQLQuery.binaryResults`) for the types the dashboard reads
/// in bulk. Every value is big-endian; timestamps count microseconds since 2000-01-01 UTC.
enum PostgresType {
    static let bool: UInt32 = 16
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let varchar: UInt32 = 1043
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let textArray: UInt32 = 1009
    static let varcharArray: UInt32 = 1015

    /// Seconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00:00 UTC).
    static let epochOffset: Double = 946_684_800

    /// A big-endian integer of exactly `Value`'s size, or `nil` for another length.
    static func integer<Value: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, as: Value.Type) -> Value? {
        guard bytes.count == MemoryLayout<Value>.size else { return nil }
        return Value(bigEndian: bytes.loadUnaligned(as: Value.self))
    }

    /// An integer column of any width.
    static func anyInteger(_ bytes: UnsafeRawBufferPointer, type: UInt32) -> Int64? {
        switch type {
        case int8: integer(bytes, as: Int64.self)
        case int4: integer(bytes, as: Int32.self).map(Int64.init)
        case int2: integer(bytes, as: Int16.self).map(Int64.init)
        default: nil
        }
    }
}

extension Double {
    /// Reads binary `float8`, `float4` or any integer column; `nil` for another type or a wrong length.
    public init?(postgresBinary bytes: UnsafeRawBufferPointer, type: UInt32) {
        switch type {
        case PostgresType.float8:
            guard let bits = PostgresType.integer(bytes, as: UInt64.self) else { return nil }
            self.init(bitPattern: bits)
        case PostgresType.float4:
            guard let bits = PostgresType.integer(bytes, as: UInt32.self) else { return nil }
            self.init(Float(bitPattern: bits))
        default:
            guard let integer = PostgresType.anyInteger(bytes, type: type) else { return nil }
            self.init(integer)
        }
    }
}

extension Int64 {
    /// Reads binary `int8`, `int4` or `int2`; `nil` for another type or a wrong length.
    public init?(postgresBinary bytes: UnsafeRawBufferPointer, type: UInt32) {
        guard let value = PostgresType.anyInteger(bytes, type: type) else { return nil }
        self = value
    }
}

extension Int {
    /// Reads binary `int8`, `int4` or `int2`; `nil` for another type or a wrong length.
    public init?(postgresBinary bytes: UnsafeRawBufferPointer, type: UInt32) {
        guard let value = PostgresType.anyInteger(bytes, type: type) else { return nil }
        self.init(value)
    }
}

extension Bool {
    /// Reads binary `boolean` (one byte, nonzero is true); `nil` for another type.
    public init?(postgresBinary bytes: UnsafeRawBufferPointer, type: UInt32) {
        guard type == PostgresType.bool, bytes.count == 1 else { return nil }
        self = bytes[0] != 0
    }
}

extension String {
    /// Reads binary `text` or `varchar` as UTF-8 (invalid bytes become U+FFFD); `nil` for another type.
    public init?(postgresBinary bytes: UnsafeRawBufferPointer, type: UInt32) {
        guard type == PostgresType.text || type == PostgresType.varchar else { return nil }
        self.init(decoding: bytes, as: UTF8.self)
    }
}

extension Date {
    /// `timestamptz` (and `timestamp`, taken as UTC); ±infinity is not a `Date`.
    public init?(postgresBinary bytes: UnsafeRawBufferPointer, type: UInt32) {
        guard type == PostgresType.timestamptz || type == PostgresType.timestamp,
            let microseconds = PostgresType.integer(bytes, as: Int64.self),
            microseconds != .max, microseconds != .min
        else { return nil }
        let (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        self.init(timeIntervalSince1970: PostgresType.epochOffset + Double(seconds) + Double(fraction) / 1_000_000)
    }
}

extension Array where Element == String {
    /// Reads a binary one-dimensional `text[]` or `varchar[]` (NULL elements dropped, as the
    /// text form's reader drops them); `nil` for another type, more dimensions or a malformed value.
    ///
    /// The format: dimensions, a has-nulls flag and the element type (three `int32`), then
    /// per dimension its length and lower bound, then each element as an `int32` length
    /// (-1 for NULL) and that many bytes.
    public init?(postgresBinary bytes: UnsafeRawBufferPointer, type: UInt32) {
        guard type == PostgresType.textArray || type == PostgresType.varcharArray else { return nil }
        var offset = 0
        func int32() -> Int32? {
            guard offset + 4 <= bytes.count else { return nil }
            defer { offset += 4 }
            return Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
        }
        guard let dimensions = int32(), int32() != nil, let elementType = int32() else { return nil }
        guard dimensions == 1 else {
            if dimensions == 0 && offset == bytes.count {
                self = []
                return
            }
            return nil
        }
        guard UInt32(bitPattern: elementType) == PostgresType.text || UInt32(bitPattern: elementType) == PostgresType.varchar,
            let count = int32(), count >= 0, int32() != nil
        else { return nil }
        var items: [String] = []
        items.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let length = int32() else { return nil }
            if length == -1 { continue }
            guard length >= 0, offset + Int(length) <= bytes.count else { return nil }
            items.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)]), as: UTF8.self))
            offset += Int(length)
        }
        guard offset == bytes.count else { return nil }
        self = items
    }
}

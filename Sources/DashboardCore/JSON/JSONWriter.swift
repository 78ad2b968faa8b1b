import Foundation

/// Writes JSON text straight into bytes, for bodies too large for `JSONEncoder` to be
/// quick (a 90-day history is ~50,000 figures: Foundation's encoder takes a quarter of a
/// second on Linux, this a few milliseconds).
///
/// The caller writes keys in the order it wants — the project's convention is sorted
/// keys, as ``DashboardJSON/makeEncoder()`` produces. Commas are placed automatically:
///
///     var writer = JSONWriter()
///     writer.object { json in
///         json.key("avg"); json.number(21.5)
///         json.key("max"); json.number(nil)
///     }
///     // {"avg":21.5,"max":null}
///
/// Strings are escaped per RFC 8259 (quote, backslash and control characters; `/` and
/// non-ASCII text are written as they are, in UTF-8). Numbers are rounded to
/// ``fractionDigits`` decimals and printed without trailing zeros; values that are not
/// finite (NaN, ±infinity), which JSON cannot represent, are written as `null` — the
/// same as a missing figure.
public struct JSONWriter: Sendable {
    /// The JSON text written so far.
    public private(set) var bytes: [UInt8] = []
    /// How many decimals numbers keep (0…9).
    public let fractionDigits: Int
    private let scale: Double
    private let unitsPerWhole: Int64
    /// Whether the next key or value is the first in its object or array (no comma before it).
    private var atStart = true
    /// Whether a key was just written (its value takes no comma).
    private var afterKey = false

    /// The decimals kept by default: finer than any figure the probe reads (percentages and
    /// load averages have two), and short enough to keep averages compact.
    public static let defaultFractionDigits = 6

    /// Creates an empty writer; `capacity` reserves room for the expected size in bytes.
    public init(fractionDigits: Int = JSONWriter.defaultFractionDigits, capacity: Int = 0) {
        precondition((0...9).contains(fractionDigits), "JSONWriter keeps 0 to 9 decimals")
        self.fractionDigits = fractionDigits
        var units: Int64 = 1
        for _ in 0..<fractionDigits { units *= 10 }
        unitsPerWhole = units
        scale = Double(units)
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structure

    /// Writes an object whose members `body` writes.
    public mutating func object(_ body: (inout JSONWriter) throws -> Void) rethrows {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        atStart = true
        try body(&self)
        bytes.append(UInt8(ascii: "}"))
        atStart = false
    }

    /// Writes an array whose elements `body` writes.
    public mutating func array(_ body: (inout JSONWriter) throws -> Void) rethrows {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        atStart = true
        try body(&self)
        bytes.append(UInt8(ascii: "]"))
        atStart = false
    }

    /// Writes an array with one element per item of `items`, written by `element`.
    public mutating func array<Items: Sequence>(_ items: Items, _ element: (inout JSONWriter, Items.Element) throws -> Void) rethrows {
        try array { json in
            for item in items { try element(&json, item) }
        }
    }

    /// Writes an object member's key; the next call writes its value.
    public mutating func key(_ name: String) {
        beginValue()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    // MARK: Values

    /// Writes `null`.
    public mutating func null() {
        beginValue()
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beginValue()
        if value {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
    }

    /// Writes a string, escaped; `nil` writes `null`.
    public mutating func string(_ value: String?) {
        guard let value else { return null() }
        beginValue()
        appendQuoted(value)
    }

    /// Writes a timestamp as ``Timestamp`` formats it (UTC, milliseconds); `nil` writes `null`.
    public mutating func timestamp(_ value: Date?) {
        guard let value else { return null() }
        beginValue()
        bytes.append(UInt8(ascii: "\""))
        Timestamp.append(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes an integer; `nil` writes `null`.
    public mutating func integer(_ value: Int?) {
        guard let value else { return null() }
        beginValue()
        appendDecimal(Int64(value))
    }

    /// Writes a number rounded to ``fractionDigits`` decimals, without trailing zeros
    /// (`12.5`, `3`, `-0.000125`); `nil`, NaN and ±infinity write `null`.
    public mutating func number(_ value: Double?) {
        guard let value, value.isFinite else { return null() }
        beginValue()
        let scaled = (value * scale).rounded()
        // Beyond 2^53 units a Double holds no more decimals than Swift's shortest
        // round-trip form prints (`1e+20`, valid JSON for a finite value).
        guard abs(scaled) < 9_007_199_254_740_992 else {
            bytes.append(contentsOf: value.description.utf8)
            return
        }
        var units = Int64(scaled)
        if units == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if units < 0 {
            bytes.append(UInt8(ascii: "-"))
            units = -units
        }
        appendDigits(UInt64(units / unitsPerWhole), width: 1)
        var fraction = units % unitsPerWhole
        guard fraction != 0 else { return }
        var digits = fractionDigits
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        bytes.append(UInt8(ascii: "."))
        appendDigits(UInt64(fraction), width: digits)
    }

    // MARK: Bytes

    /// Places the comma before a value or key unless it is the first, or a key's value.
    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if atStart {
            atStart = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether `byte` must be escaped inside a JSON string.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (every key) need no escape: copy them in one go.
        var text = text
        let copied = text.withUTF8 { utf8 in
            guard !utf8.contains(where: Self.needsEscape) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Self.hexDigits
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a signed integer in decimal.
    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        // -Int64.min overflows; its magnitude fits in UInt64.
        appendDigits(value.magnitude, width: 1)
    }

    /// Appends `value` in decimal with at least `width` digits (leading zeros), in one copy.
    private mutating func appendDigits(_ value: UInt64, width: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0 || 20 - start < width
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}

/// A value that writes itself with a ``JSONWriter``, in the same shape as its `Encodable`
/// form, for the large answers where `JSONEncoder` is too slow.
public protocol JSONWritable {
    /// Writes the value as one JSON value.
    func write(to json: inout JSONWriter)
}

extension JSONWriter {
    /// Writes a value that knows how to write itself.
    public mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
    }
}

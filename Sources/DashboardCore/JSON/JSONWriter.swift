import FoundationEssentials

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
///
/// The text is written straight into one growing buffer the writer owns (it cannot be
/// copied, so no write checks whether the buffer is shared): a 90-day history writes
/// ~80,000 keys and figures, and appending them byte by byte to an `Array` cost about
/// four times as long.
public struct JSONWriter: ~Copyable, @unchecked Sendable {
    // @unchecked: the buffer is owned by this one value (it is ~Copyable) and freed in deinit.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// How many decimals numbers keep (0…9).
    public let fractionDigits: Int
    private let scale: Double
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
        scale = Double(units)
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// The JSON text written so far (a copy).
    public var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the JSON text written so far, without copying it.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Forgets what was written, keeping the buffer, to write the next piece of a document
    /// sent in pieces (the next value written starts without a comma).
    public mutating func removeAll() {
        count = 0
        atStart = true
        afterKey = false
    }

    /// Appends `text` as it is — punctuation that opens or joins pieces of a document written
    /// in pieces — after which the next value or key is written without a comma. The caller
    /// answers for the result being JSON.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
        atStart = true
        afterKey = false
    }

    // MARK: Structure

    /// Writes an object whose members `body` writes.
    public mutating func object(_ body: (inout JSONWriter) throws -> Void) rethrows {
        beginValue()
        append(UInt8(ascii: "{"))
        atStart = true
        try body(&self)
        append(UInt8(ascii: "}"))
        atStart = false
    }

    /// Writes an array whose elements `body` writes.
    public mutating func array(_ body: (inout JSONWriter) throws -> Void) rethrows {
        beginValue()
        append(UInt8(ascii: "["))
        atStart = true
        try body(&self)
        append(UInt8(ascii: "]"))
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
        append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// Writes an object member's key escaped once beforehand (``Key``); the next call writes its value.
    public mutating func key(_ key: Key) {
        beginValue()
        key.text.withUnsafeBufferPointer { append($0) }
        afterKey = true
    }

    /// A key escaped and quoted once, for the members a large document writes many times.
    public struct Key: Sendable {
        /// `"name":` as UTF-8.
        let text: [UInt8]

        /// The key `name`.
        public init(_ name: String) {
            var writer = JSONWriter()
            writer.appendQuoted(name)
            writer.append(UInt8(ascii: ":"))
            text = writer.bytes
        }
    }

    // MARK: Values

    /// Writes `null`.
    public mutating func null() {
        beginValue()
        append("null")
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beginValue()
        append(value ? "true" : "false")
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
        reserve(Timestamp.maximumLength + 2)
        base[count] = UInt8(ascii: "\"")
        count += 1
        count += Timestamp.write(value, to: base + count)
        base[count] = UInt8(ascii: "\"")
        count += 1
    }

    /// Writes an integer; `nil` writes `null`.
    public mutating func integer(_ value: Int?) {
        guard let value else { return null() }
        beginValue()
        reserve(21)
        if value < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        // -Int.min overflows; its magnitude fits in UInt.
        count += Self.writeDigits(UInt64(value.magnitude), fractionDigits: 0, to: base + count)
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
            append(value.description)
            return
        }
        let units = Int64(scaled)
        if units == 0 {
            append(UInt8(ascii: "0"))
            return
        }
        // A sign, at most 16 digits below 2^53 (or fractionDigits + 1 with leading zeros), a point.
        reserve(20)
        if units < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        count += Self.writeDigits(units.magnitude, fractionDigits: fractionDigits, to: base + count)
    }

    // MARK: Bytes

    /// Places the comma before a value or key unless it is the first, or a key's value.
    @inline(__always)
    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if atStart {
            atStart = false
        } else {
            append(UInt8(ascii: ","))
        }
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).initialize(from: start, count: bytes.count)
        count += bytes.count
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether `byte` must be escaped inside a JSON string.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func appendQuoted(_ text: String) {
        append(UInt8(ascii: "\""))
        // Most strings need no escape: copy them in one go.
        var text = text
        let copied = text.withUTF8 { utf8 in
            guard !utf8.contains(where: Self.needsEscape) else { return false }
            append(utf8)
            return true
        }
        if copied {
            append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x00..<0x20:
                let hex = Self.hexDigits
                append("\\u00")
                append(hex[Int(byte >> 4)])
                append(hex[Int(byte & 0x0F)])
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }

    /// Writes `units` in decimal at `out` as a number with `fractionDigits` decimals
    /// (`1234`, 2 → `12.34`; `5`, 2 → `0.05`; `1200`, 2 → `12`), trailing zeros of the
    /// fraction left out; returns how many bytes it wrote (at most 20 below 2^53 units).
    @inline(__always)
    private static func writeDigits(_ units: UInt64, fractionDigits: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            // Least significant first from the end, at least one digit before the point.
            var rest = units
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0 || 20 - start <= fractionDigits
            let point = 20 - fractionDigits
            var end = 20
            while end > point && digits[end - 1] == UInt8(ascii: "0") { end -= 1 }
            var written = 0
            for index in start..<point {
                out[written] = digits[index]
                written += 1
            }
            if end > point {
                out[written] = UInt8(ascii: ".")
                written += 1
                for index in point..<end {
                    out[written] = digits[index]
                    written += 1
                }
            }
            return written
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

/// The items of a list-valued header (`Accept-Encoding`, `If-None-Match`), read in place
/// from its UTF-8 bytes: split at a separator (`,` by default), each trimmed of spaces
/// and tabs. Reading a header on every request this way allocates nothing.
struct HeaderItems: Sequence, IteratorProtocol {
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    /// One item, such as `gzip;q=0.5`.
    struct Item {
        /// The whole item, trimmed.
        let whole: Bytes

        /// The part before the first `;`, trimmed (`gzip`).
        var first: Bytes {
            guard let semicolon = whole.firstIndex(of: UInt8(ascii: ";")) else { return whole }
            return HeaderItems.trimmed(whole[..<semicolon])
        }

        /// The `;`-separated parameters after the first part (`q=0.5`).
        var parameters: HeaderItems {
            guard let semicolon = whole.firstIndex(of: UInt8(ascii: ";")) else { return HeaderItems(whole[whole.endIndex...], separator: UInt8(ascii: ";")) }
            return HeaderItems(whole[(semicolon + 1)...], separator: UInt8(ascii: ";"))
        }
    }

    private var rest: Bytes?
    private let separator: UInt8

    /// The items of a whole header value.
    init(_ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8 = UInt8(ascii: ",")) {
        self.init(bytes[...], separator: separator)
    }

    init(_ bytes: Bytes, separator: UInt8) {
        rest = bytes.isEmpty ? nil : bytes
        self.separator = separator
    }

    mutating func next() -> Item? {
        guard let current = rest else { return nil }
        if let end = current.firstIndex(of: separator) {
            rest = current[(end + 1)...]
            return Item(whole: Self.trimmed(current[..<end]))
        }
        rest = nil
        return Item(whole: Self.trimmed(current))
    }

    /// `bytes` without leading and trailing spaces and tabs.
    static func trimmed(_ bytes: Bytes) -> Bytes {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return bytes[start..<end]
    }

    /// Whether `bytes` spell `word` (ASCII, lowercase) in any letter case.
    static func equalsIgnoringCase(_ bytes: Bytes, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, wanted in
                let lowered = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
                return lowered == wanted
            }
        }
    }

    /// Whether a parameter is a zero quality value (`q=0`, `Q=0.0`, … up to three decimals).
    static func isZeroQuality(_ parameter: Bytes) -> Bool {
        for zero: StaticString in ["q=0", "q=0.0", "q=0.00", "q=0.000"] where equalsIgnoringCase(parameter, zero) {
            return true
        }
        return false
    }
}

/// Cleaning of text that came from a monitored host, which is never trusted.
///
/// Removes NUL and every other control character (C0, DEL, C1, which includes the
/// ESC of ANSI sequences) and the bidirectional overrides and isolates that can
/// reorder how text reads; replaces invalid UTF-8 with U+FFFD; and bounds the length.
/// HTML, SQL and CSV escaping still happen where the text is used.
public enum HostText {
    /// The longest host-supplied name kept, in bytes of UTF-8.
    public static let defaultMaximumBytes = 255

    /// The cleaned text and whether anything had to be removed or cut.
    public struct Cleaned: Sendable, Equatable {
        /// The text with unsafe characters removed, at most the allowed number of UTF-8 bytes.
        public var text: String
        /// Control or bidi characters, or invalid UTF-8, were removed or replaced.
        public var altered: Bool
        /// The text was longer than allowed and was cut at a character boundary.
        public var truncated: Bool
    }

    /// Cleans raw bytes from a host.
    public static func clean<Bytes: Collection>(bytes: Bytes, maximumBytes: Int = defaultMaximumBytes) -> Cleaned where Bytes.Element == UInt8 {
        let decoded = String(decoding: bytes, as: UTF8.self)
        var result = clean(decoded, maximumBytes: maximumBytes)
        if !result.altered, !decoded.utf8.elementsEqual(bytes) {
            result.altered = true
        }
        return result
    }

    /// Cleans a string from a host.
    public static func clean(_ text: String, maximumBytes: Int = defaultMaximumBytes) -> Cleaned {
        var scalars = String.UnicodeScalarView()
        var altered = false
        var truncated = false
        var byteCount = 0
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                altered = true
                continue
            }
            let width = UTF8.width(scalar)
            if byteCount + width > maximumBytes {
                truncated = true
                break
            }
            byteCount += width
            scalars.append(scalar)
        }
        return Cleaned(text: String(scalars), altered: altered, truncated: truncated)
    }

    /// Whether a scalar is a control, a bidi override/isolate, or a non-character.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        case 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }
}

/// Percent-encoding for building URLs from untrusted text: everything but RFC 3986's
/// unreserved characters is escaped, so a server name can never add a path segment or a parameter.
enum URLEncoding {
    /// `text` escaped for use as one path segment or one query value.
    static func component(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%"
                out += hex[Int(byte >> 4)]
                out += hex[Int(byte & 0x0F)]
            }
        }
        return out
    }

    /// `name=value&…` with both sides escaped; pairs with an empty value are left out.
    static func query(_ pairs: [(String, String?)]) -> String {
        var parts: [String] = []
        for (name, value) in pairs {
            guard let value, !value.isEmpty else { continue }
            parts.append(component(name) + "=" + component(value))
        }
        return parts.joined(separator: "&")
    }

    private static let hex = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
}

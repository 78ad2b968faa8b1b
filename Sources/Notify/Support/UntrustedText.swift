/// Text that came from a monitored host (a server name, an alert message) made safe to
/// put in a message: control characters and line breaks become spaces, so nothing can
/// start a new header line, and the length is bounded.
enum UntrustedText {
    /// The longest message an alert carries into a notification, in characters.
    static let messageLimit = 1000
    /// The longest server name, in characters.
    static let nameLimit = 200
    /// The longest short field (event, type, severity), in characters.
    static let wordLimit = 40

    /// `text` on one line, without control characters, at most `limit` characters
    /// (longer text ends with `…`).
    static func clean(_ text: String, limit: Int) -> String {
        var scalars = String.UnicodeScalarView()
        var lastWasSpace = false
        var characters = 0
        for character in text {
            var cleaned = String.UnicodeScalarView()
            for scalar in character.unicodeScalars {
                cleaned.append(isBreaking(scalar) ? " " : scalar)
            }
            let isSpace = cleaned.allSatisfy { $0 == " " }
            if isSpace && lastWasSpace { continue }
            if characters == limit {
                // One character too many: cut and mark the cut.
                while scalars.last == " " { scalars.removeLast() }
                scalars.append("…")
                return String(scalars)
            }
            if isSpace {
                scalars.append(" ")
            } else {
                scalars.append(contentsOf: cleaned)
            }
            lastWasSpace = isSpace
            characters += 1
        }
        return String(String(scalars).trimmingPrefixAndSuffixSpaces())
    }

    /// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
    private static func isBreaking(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }
}

extension String {
    fileprivate func trimmingPrefixAndSuffixSpaces() -> Substring {
        var text = self[...]
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}

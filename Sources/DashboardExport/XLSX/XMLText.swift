/// Text prepared for the XML parts of an Office Open XML package.
enum XMLText {
    /// Whether XML 1.0 allows the scalar at all: TAB, LF, CR, and everything from U+0020
    /// except the non-characters U+FFFE and U+FFFF (surrogates cannot occur in a Swift string).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00...0x1F, 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }

    /// Removes what XML 1.0 forbids.
    static func removingIllegal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isAllowed($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter(isAllowed))
        return String(scalars)
    }

    /// Escapes text for element content or a double- or single-quoted attribute.
    ///
    /// CR becomes `&#13;` because XML parsers turn a literal CR (or CRLF) into LF.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Protects literal `_xHHHH_` sequences, which spreadsheet readers decode as the
    /// character U+HHHH (ECMA-376 ST_Xstring), by escaping their underscore as `_x005F_`.
    static func protectingEscapeSequences(_ text: String) -> String {
        guard text.contains("_x") || text.contains("_X") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "_", looksLikeEscape(scalars, at: index) {
                out.append(contentsOf: "_x005F_".unicodeScalars)
            } else {
                out.append(scalars[index])
            }
            index += 1
        }
        return String(out)
    }

    private static func looksLikeEscape(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + 6 < scalars.count, scalars[index + 1] == "x" || scalars[index + 1] == "X", scalars[index + 6] == "_" else { return false }
        return scalars[(index + 2)...(index + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// Cuts text to at most `maximum` UTF-16 code units, at a character boundary.
    static func truncated(_ text: String, toUTF16 maximum: Int) -> String {
        guard text.utf16.count > maximum else { return text }
        var count = 0
        var end = text.startIndex
        for character in text {
            let width = character.utf16.count
            if count + width > maximum { break }
            count += width
            end = text.index(after: end)
        }
        return String(text[..<end])
    }
}

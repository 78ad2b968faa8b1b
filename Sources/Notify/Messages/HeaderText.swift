import FoundationEssentials

/// Header values built from untrusted text: one line, and non-ASCII text as an RFC 2047
/// encoded word (`=?UTF-8?B?…?=`), which mail clients and ntfy decode.
enum HeaderText {
    /// `text` as a header value: cleaned to one line, at most `limit` characters, encoded when not ASCII.
    static func value(_ text: String, limit: Int) -> String {
        let line = UntrustedText.clean(text, limit: limit)
        guard !line.unicodeScalars.allSatisfy({ $0.isASCII }) else { return line }
        // Encoded words are at most 75 characters: split the text into pieces of whole characters.
        var words: [String] = []
        var piece = ""
        for character in line {
            if piece.utf8.count + character.utf8.count > 45 {
                words.append(encodedWord(piece))
                piece = ""
            }
            piece.append(character)
        }
        if !piece.isEmpty { words.append(encodedWord(piece)) }
        return words.joined(separator: " ")
    }

    private static func encodedWord(_ text: String) -> String {
        "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}

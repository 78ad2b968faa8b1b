import DashboardCore
import Foundation
import Testing

/// The percent-encoding and trimming helpers that stand in for Foundation's in the
/// FoundationEssentials-only libraries: each must answer exactly what Foundation answers.
@Suite struct TextHelpersTests {
    static let percentInputs = [
        "", "plain", "a%20b", "%A9", "%a9", "x%80", "%41%42%43", "caf%C3%A9", "%e6%97%a5", "100%", "%", "%4", "%zz", "%%41", "a%2", "%C3",
        "%FF%FE", "%C0%80", "%ED%A0%80", "+stays+", "%2B", "日本", "%00", "a%0Ab", "%F0%9F%A6%8A", "%ZZ%41", "%%", "%41%",
    ]

    @Test(arguments: percentInputs)
    func decodingAnswersWhatFoundationAnswers(_ text: String) {
        #expect(PercentEncoding.decode(text) == Self.foundationDecoding(text))
    }

    /// Foundation's answer, except that it turns a few lone bytes that are not UTF-8 into
    /// U+FFFD (`%A9` gives "\u{FFFD}", `%80` and `%C3` give nil): those are nil here too.
    static func foundationDecoding(_ text: String) -> String? {
        guard let decoded = text.removingPercentEncoding else { return nil }
        return decoded.contains("\u{FFFD}") && !text.contains("\u{FFFD}") && !text.uppercased().contains("%EF%BF%BD") ? nil : decoded
    }

    @Test func decodingRandomTextAnswersWhatFoundationAnswers() {
        var generator = SplitMix64(seed: 20_261_201)  // fixed: a failure names its input and repeats
        let alphabet = Array("%%%0123456789abcdefABCDEFgz+ é日\u{0}")
        for _ in 0..<20_000 {
            let text = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(PercentEncoding.decode(text) == Self.foundationDecoding(text), "\(Array(text.utf8))")
        }
    }

    @Test(arguments: ["", "server 01.csv", "café-日本.xlsx", "a/b?c#d&e=f", "tab\there", "~tilde_", "🦊"])
    func encodingKeepsOnlyASCIILettersDigitsAndTheKeptMarks(_ text: String) {
        let encoded = PercentEncoding.encode(text, keeping: "-._")
        #expect(encoded.utf8.allSatisfy { $0 < 0x80 && ($0.isASCIILetterOrDigit || "-._%".utf8.contains($0)) })
        #expect(PercentEncoding.decode(encoded) == text)
        let foundationKept = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
        #expect(encoded == text.addingPercentEncoding(withAllowedCharacters: foundationKept))
    }

    @Test(arguments: [
        "", "   ", "\t a b \t", "\u{00A0}nbsp\u{3000}", "keep\ninner\n", "\n lead", "x", " \u{2028}line\u{2029} ", "\r\n\u{85}é\u{0B}\u{0C}",
    ])
    func trimmingAnswersWhatFoundationAnswers(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text.dropFirst(0).trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
    }
}

extension UInt8 {
    fileprivate var isASCIILetterOrDigit: Bool { (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
}

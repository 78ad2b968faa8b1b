import Foundation
import Testing

@testable import DashboardCore

/// Cleaning of text from monitored hosts: controls and bidi out, invalid UTF-8 replaced, length bounded.
@Suite struct HostTextTests {
    @Test(arguments: [
        "web-01", "Debian GNU/Linux 12 (bookworm)", "<script>alert(1)</script>", "'; DROP TABLE servers; --",
        "café", "日本語のホスト", "🦊 firefox", "", String(repeating: "x", count: 255),
    ])
    func cleanTextIsKeptAsItIs(_ text: String) {
        #expect(HostText.clean(text) == HostText.Cleaned(text: text, altered: false, truncated: false))
        #expect(HostText.clean(bytes: Array(text.utf8)) == HostText.Cleaned(text: text, altered: false, truncated: false))
    }

    @Test(arguments: [
        ("nul\u{0}byte", "nulbyte"), ("tab\there", "tabhere"), ("new\nline", "newline"), ("bell\u{7}", "bell"),
        ("\u{1B}[31mred\u{1B}[0m", "[31mred[0m"), ("del\u{7F}", "del"), ("c1\u{85}\u{9B}", "c1"),
        ("evil\u{202E}txt.exe", "eviltxt.exe"), ("iso\u{2066}late\u{2069}", "isolate"), ("rlm\u{200F}lrm\u{200E}", "rlmlrm"),
        ("alm\u{061C}", "alm"), ("non\u{FFFE}char\u{FFFF}", "nonchar"),
    ])
    func controlAndBidiCharactersAreRemovedAndReported(_ text: String, _ expected: String) {
        #expect(HostText.clean(text) == HostText.Cleaned(text: expected, altered: true, truncated: false))
        #expect(HostText.clean(bytes: Array(text.utf8)) == HostText.Cleaned(text: expected, altered: true, truncated: false))
    }

    @Test(arguments: [
        ([0x63, 0x61, 0x66, 0xE9] as [UInt8], "caf\u{FFFD}"),  // Latin-1
        ([0xC3, 0x28], "\u{FFFD}("),  // broken two-byte sequence
        ([0xC0, 0x80], "\u{FFFD}\u{FFFD}"),  // overlong NUL
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),  // a surrogate
        ([0xFF, 0x41], "\u{FFFD}A"),
    ])
    func invalidUTF8IsReplacedAndReported(_ bytes: [UInt8], _ expected: String) {
        #expect(HostText.clean(bytes: bytes) == HostText.Cleaned(text: expected, altered: true, truncated: false))
    }

    @Test func longTextIsCutAtACharacterBoundary() {
        let cut = HostText.clean(String(repeating: "é", count: 200))
        #expect(cut.text == String(repeating: "é", count: 127))
        #expect(cut.text.utf8.count == 254)
        #expect(cut.truncated)
        #expect(!cut.altered)
        let emoji = HostText.clean(String(repeating: "🦊", count: 10), maximumBytes: 10)
        #expect(emoji == HostText.Cleaned(text: "🦊🦊", altered: false, truncated: true))
        #expect(HostText.clean(String(repeating: "x", count: 256)).text.utf8.count == HostText.defaultMaximumBytes)
    }

    /// The probe parser skips `HostText.clean` for printable ASCII within the limit, which relies on this.
    @Test func printableASCIIIsNeverChanged() {
        let printable = String(decoding: Array(0x20...0x7E) as [UInt8], as: UTF8.self)
        #expect(HostText.clean(printable) == HostText.Cleaned(text: printable, altered: false, truncated: false))
        #expect(HostText.clean(bytes: Array(printable.utf8)) == HostText.Cleaned(text: printable, altered: false, truncated: false))
    }

    @Test func removedCharactersDoNotCountTowardsTheLimit() {
        let text = String(repeating: "\u{0}", count: 1000) + "name"
        #expect(HostText.clean(text) == HostText.Cleaned(text: "name", altered: true, truncated: false))
    }

    @Test func isUnsafeCoversEveryControlAndBidiScalar() {
        let unsafe =
            (0x00...0x1F).map { $0 } + (0x7F...0x9F).map { $0 } + [
                0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C, 0xFFFE, 0xFFFF,
            ]
        for value in unsafe {
            #expect(HostText.isUnsafe(Unicode.Scalar(UInt32(value))!), "U+\(String(value, radix: 16))")
        }
        for value in [0x20, 0x41, 0x7E, 0xA0, 0xE9, 0x200B, 0x2029, 0x3042, 0xFFFD, 0x1F98A] {
            #expect(!HostText.isUnsafe(Unicode.Scalar(UInt32(value))!), "U+\(String(value, radix: 16))")
        }
    }
}

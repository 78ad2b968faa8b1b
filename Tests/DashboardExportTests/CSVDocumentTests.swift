import DashboardCore
import Foundation
import Testing

@testable import DashboardExport

@Suite struct CSVDocumentTests {
    /// The output as text, without the byte-order mark.
    private func text(_ document: CSVDocument) -> String {
        var bytes = document.encoded()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func writesHeaderAndTypedRowsWithCRLF() {
        var document = CSVDocument(header: ["server", "cpu", "bytes", "at", "note"])
        document.append([.text("web-1"), .number(12.5), .integer(9_007_199_254_740_993), .timestamp(Date(timeIntervalSince1970: 1_764_084_313.123)), .empty])
        document.append([.text("db"), .number(3), .integer(-5), .timestamp(Date(timeIntervalSince1970: 0)), .text("ok")])
        #expect(
            text(document) == """
                server,cpu,bytes,at,note\r
                web-1,12.5,9007199254740993,2025-11-25T15:25:13.123Z,\r
                db,3,-5,1970-01-01T00:00:00.000Z,ok\r

                """)
    }

    @Test func startsWithByteOrderMarkUnlessDisabled() {
        let withMark = CSVDocument(header: ["a"], rows: [[.text("é")]])
        #expect(withMark.encoded() == [0xEF, 0xBB, 0xBF] + Array("a\r\né\r\n".utf8))
        #expect(Array(withMark.data()) == withMark.encoded())
        let without = CSVDocument(header: ["a"], rows: [[.text("é")]], byteOrderMark: false)
        #expect(without.encoded() == Array("a\r\né\r\n".utf8))
    }

    @Test func quotesCommasQuotesAndLineBreaks() {
        let document = CSVDocument(
            header: ["value"],
            rows: [
                [.text("a,b")],
                [.text("say \"hi\"")],
                [.text("two\nlines")],
                [.text("cr\rhere")],
                [.text("crlf\r\nhere")],
                [.text("\"")],
                [.text("plain text; semicolons and 'single' quotes")],
            ], byteOrderMark: false)
        #expect(
            text(document)
                == "value\r\n\"a,b\"\r\n\"say \"\"hi\"\"\"\r\n\"two\nlines\"\r\n\"cr\rhere\"\r\n\"crlf\r\nhere\"\r\n\"\"\"\"\r\nplain text; semicolons and 'single' quotes\r\n"
        )
    }

    @Test(arguments: [
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ("=1+1", "'=1+1"),
        ("+41 22 123", "'+41 22 123"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "\"'\r=1\""),
        ("\n=1", "\"'\n=1\""),
        ("＝1+1", "'＝1+1"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("'quoted", "'quoted"),
        ("", ""),
    ])
    func neutralisesFormulaTextOnly(_ input: String, _ expected: String) {
        let document = CSVDocument(header: ["x"], rows: [[.text(input)]], byteOrderMark: false)
        #expect(text(document) == "x\r\n\(expected)\r\n")
    }

    @Test func neverAltersNumbers() {
        let document = CSVDocument(
            header: ["n"], rows: [[.number(-5)], [.integer(-5)], [.number(-0.25)], [.number(-0.0)], [.integer(Int64.min)], [.number(1e-7)], [.number(1e300)]],
            byteOrderMark: false)
        #expect(text(document) == "n\r\n-5\r\n-5\r\n-0.25\r\n0\r\n-9223372036854775808\r\n1e-07\r\n1e+300\r\n")
    }

    @Test func numbersReadBackExactly() throws {
        for value in [0.1, 1.0 / 3, 123_456.789, 2.5e-300, -1.7976931348623157e308, Double(Int64(9_007_199_254_740_993))] {
            let field = CSVDocument.fieldText(.number(value))
            #expect(Double(field) == value, "\(field)")
        }
    }

    @Test func nonFiniteNumbersAreEmptyFields() {
        let document = CSVDocument(header: ["a", "b", "c"], rows: [[.number(.nan), .number(.infinity), .number(-.infinity)]], byteOrderMark: false)
        #expect(text(document) == "a,b,c\r\n,,\r\n")
    }

    @Test func headerIsNeutralisedToo() {
        let document = CSVDocument(header: ["=cmd|' /C calc'!A0", "ok"], byteOrderMark: false)
        #expect(text(document) == "'=cmd|' /C calc'!A0,ok\r\n")
    }

    @Test func padsShortRowsToTheWidestRecord() {
        let document = CSVDocument(header: ["a", "b"], rows: [[.text("1")], [.text("1"), .text("2"), .text("3")]], byteOrderMark: false)
        #expect(text(document) == "a,b,\r\n1,,\r\n1,2,3\r\n")
    }

    @Test func emptyDocumentsAndHeaderlessRows() {
        #expect(CSVDocument(header: [], byteOrderMark: false).encoded().isEmpty)
        #expect(CSVDocument(header: []).encoded() == [0xEF, 0xBB, 0xBF])
        #expect(text(CSVDocument(header: [], rows: [[.integer(1), .integer(2)]])) == "1,2\r\n")
    }

    @Test func keepsUnicodeAsUTF8() {
        let document = CSVDocument(header: ["名前"], rows: [[.text("🚀 \u{202E}txt.exe")], [.text("Zürich")]], byteOrderMark: false)
        #expect(document.encoded() == Array("名前\r\n🚀 \u{202E}txt.exe\r\nZürich\r\n".utf8))
    }

    /// Parses RFC 4180 text back into records, to show quoting round-trips.
    private func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                inQuotes = true
            } else if scalar == "," {
                record.append(field)
                field = ""
            } else if scalar == "\r", scalars.first == "\n" {
                scalars.removeFirst()
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        return records
    }

    @Test func hostileTextRoundTripsThroughAnRFC4180Reader() {
        let hostile = ["a,\"b\"\r\nc", "\"\"", ",,,", "x\ny", "<script>alert(1)</script>", "😀\u{202E}"]
        let document = CSVDocument(header: ["h"], rows: hostile.map { [.text($0)] }, byteOrderMark: false)
        #expect(parse(text(document)) == [["h"]] + hostile.map { [$0] })
    }
}

import DashboardCore
import Foundation
import Testing

@testable import DashboardExport

@Suite struct XLSXWorkbookTests {
    static let partPaths: Set<String> = [
        "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
        "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
    ]

    static let hostile: [(input: String, stored: String)] = [
        ("=HYPERLINK(\"http://x\",\"click\")", "=HYPERLINK(\"http://x\",\"click\")"),
        ("<script>alert('x')</script>", "<script>alert('x')</script>"),
        ("Tom & Jerry > \"quotes\" 'apos'", "Tom & Jerry > \"quotes\" 'apos'"),
        ("nul\u{0}bell\u{7}esc\u{1B}[31mvt\u{B}ff\u{C}", "nulbellesc[31mvtff"),
        ("tab\there\nnew line\r\ncrlf", "tab\there\nnew line\r\ncrlf"),
        ("🚀 emoji 👩‍💻", "🚀 emoji 👩‍💻"),
        ("invoice\u{202E}fdp.exe", "invoice\u{202E}fdp.exe"),
        ("non\u{FFFE}char\u{FFFF}s", "nonchars"),
        ("+cmd", "+cmd"),
        ("-2+3", "-2+3"),
        ("@SUM(A1:A2)", "@SUM(A1:A2)"),
        ("  leading and trailing  ", "  leading and trailing  "),
        ("]]> <![CDATA[ x ]]>", "]]> <![CDATA[ x ]]>"),
    ]

    private func sampleWorkbook() -> XLSXWorkbook {
        var workbook = XLSXWorkbook()
        workbook.addSheet(
            named: "Servers", header: ["name", "cpu %", "ram bytes", "seen"],
            rows: [
                [.text("web-1"), .number(12.5), .integer(8_589_934_592), .timestamp(Date(timeIntervalSince1970: 1_764_084_313))],
                [.text("db-1"), .number(-5), .integer(-5), .empty],
            ])
        workbook.addSheet(named: "Hostile", header: ["text"], rows: Self.hostile.map { [.text($0.input)] })
        return workbook
    }

    @Test func writesEveryPartDeflatedAndWellFormed() throws {
        let data = try sampleWorkbook().encoded()
        #expect(data.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let unzipped = try UnzippedWorkbook(data)
        #expect(Set(unzipped.entries.keys) == Self.partPaths)
        for path in Self.partPaths {
            _ = try unzipped.xml(path)
            #expect(unzipped.compressed[path] == true, "\(path) is stored, not deflated")
        }
        let types = try unzipped.xml("[Content_Types].xml")
        let overrides = Set(types.all("Override").compactMap { $0.attributes["PartName"] })
        #expect(overrides == ["/xl/workbook.xml", "/xl/styles.xml", "/xl/worksheets/sheet1.xml", "/xl/worksheets/sheet2.xml"])
        let rels = try unzipped.xml("xl/_rels/workbook.xml.rels").all("Relationship")
        #expect(Set(rels.compactMap { $0.attributes["Target"] }) == ["worksheets/sheet1.xml", "worksheets/sheet2.xml", "styles.xml"])
        let sheets = try unzipped.xml("xl/workbook.xml").all("sheet")
        #expect(sheets.map { $0.attributes["name"] } == ["Servers", "Hostile"])
        #expect(sheets.map { $0.attributes["r:id"] } == ["rId1", "rId2"])
        #expect(try unzipped.xml("_rels/.rels").all("Relationship").first?.attributes["Target"] == "xl/workbook.xml")
    }

    @Test func outputIsReproducible() throws {
        #expect(try sampleWorkbook().encoded() == sampleWorkbook().encoded())
    }

    @Test func numbersAreNumericCells() throws {
        var workbook = XLSXWorkbook()
        workbook.addSheet(
            named: "n", header: [],
            rows: [[.number(12.5), .number(-5), .integer(-5), .integer(Int64.max), .number(0.1), .number(.nan), .number(-.infinity), .number(3)]])
        let cells = try UnzippedWorkbook(workbook.encoded()).cells(sheet: 1)
        #expect(cells["A1"] == .init(type: nil, style: nil, value: "12.5", inlineText: nil, hasFormula: false))
        #expect(cells["B1"]?.value == "-5")
        #expect(cells["C1"]?.value == "-5")
        #expect(cells["D1"]?.value == "9223372036854775807")
        #expect(cells["E1"]?.value == "0.1")
        #expect(cells["F1"] == nil, "NaN is an empty cell")
        #expect(cells["G1"] == nil, "-Inf is an empty cell")
        #expect(cells["H1"]?.value == "3")
        #expect(cells.values.allSatisfy { $0.type == nil })
    }

    @Test func hostileTextStaysInertText() throws {
        let data = try sampleWorkbook().encoded()
        let unzipped = try UnzippedWorkbook(data)
        let sheet = try unzipped.text("xl/worksheets/sheet2.xml")
        #expect(!sheet.contains("<f>") && !sheet.contains("<f "))
        #expect(!sheet.contains("<script>"))
        let cells = try unzipped.cells(sheet: 2)
        for (index, expected) in Self.hostile.enumerated() {
            let cell = try #require(cells["A\(index + 2)"])
            #expect(cell.type == "inlineStr")
            #expect(cell.hasFormula == false)
            #expect(cell.inlineText == expected.stored, "row \(index + 2)")
            let formulaLike = expected.stored.first.map { "=+-@".contains($0) } ?? false
            #expect(cell.style == (formulaLike ? "3" : nil), "row \(index + 2): quotePrefix style only for formula-like text")
        }
    }

    @Test func literalEscapeSequencesAreProtected() throws {
        var workbook = XLSXWorkbook()
        workbook.addSheet(named: "s", header: [], rows: [[.text("_x0041_ and _X00e9_ and _x12_ and _x004G_")]])
        let unzipped = try UnzippedWorkbook(workbook.encoded())
        #expect(try unzipped.cells(sheet: 1)["A1"]?.inlineText == "_x005F_x0041_ and _x005F_X00e9_ and _x12_ and _x004G_")
    }

    @Test func cutsTextAtExcelsCellLimit() throws {
        var workbook = XLSXWorkbook()
        let long = String(repeating: "a", count: XLSXWorkbook.maximumTextLength - 1) + "😀tail"
        workbook.addSheet(named: "s", header: [], rows: [[.text(long)]])
        let text = try #require(try UnzippedWorkbook(workbook.encoded()).cells(sheet: 1)["A1"]?.inlineText)
        #expect(text == String(repeating: "a", count: XLSXWorkbook.maximumTextLength - 1), "the emoji would split at the limit")
    }

    @Test func timestampsAreDateSerialsWithADateStyle() throws {
        var workbook = XLSXWorkbook()
        workbook.addSheet(
            named: "t", header: [],
            rows: [
                [
                    .timestamp(Date(timeIntervalSince1970: 1_764_084_313)),
                    .timestamp(Date(timeIntervalSince1970: 0)),
                    .timestamp(Date(timeIntervalSince1970: -2_500_000_000)),
                ]
            ])
        let unzipped = try UnzippedWorkbook(workbook.encoded())
        let cells = try unzipped.cells(sheet: 1)
        let serial = try #require(cells["A1"]?.value.flatMap(Double.init))
        #expect(abs(serial - 45_986.642511574) < 1e-6, "2025-11-25 15:25:13 UTC")
        #expect(cells["A1"]?.style == "2")
        #expect(cells["B1"]?.value == "25569")
        #expect(cells["C1"]?.type == "inlineStr", "before 1900-03-01 a serial cannot express it")
        #expect(cells["C1"]?.inlineText == Timestamp.format(Date(timeIntervalSince1970: -2_500_000_000)))
        let styles = try unzipped.xml("xl/styles.xml")
        #expect(styles.all("numFmt").first?.attributes["formatCode"] == "yyyy-mm-dd hh:mm:ss")
        let xfs = try #require(styles.child("cellXfs")).children
        #expect(xfs[2].attributes["numFmtId"] == "164")
    }

    @Test func headerIsBoldAndFrozen() throws {
        let unzipped = try UnzippedWorkbook(sampleWorkbook().encoded())
        let cells = try unzipped.cells(sheet: 1)
        for column in ["A", "B", "C", "D"] {
            #expect(cells["\(column)1"]?.style == "1")
        }
        #expect(cells["A1"]?.inlineText == "name")
        #expect(cells["A2"]?.style == nil)
        let styles = try unzipped.xml("xl/styles.xml")
        let xfs = try #require(styles.child("cellXfs")).children
        let fonts = try #require(styles.child("fonts")).children
        let headerFont = try #require(xfs[1].attributes["fontId"].flatMap { Int($0) })
        #expect(fonts[headerFont].child("b") != nil)
        #expect(fonts[0].child("b") == nil)
        let sheet = try unzipped.xml("xl/worksheets/sheet1.xml")
        let pane = try #require(sheet.all("pane").first)
        #expect(pane.attributes["state"] == "frozen" && pane.attributes["ySplit"] == "1")
        #expect(sheet.all("dimension").first?.attributes["ref"] == "A1:D3")
    }

    @Test func columnWidthsFollowContent() throws {
        var workbook = XLSXWorkbook()
        workbook.addSheet(
            named: "w", header: ["a", "mount point", "x"], rows: [[.text("b"), .text("/var/lib/postgresql"), .text(String(repeating: "z", count: 500))]])
        let cols = try UnzippedWorkbook(workbook.encoded()).xml("xl/worksheets/sheet1.xml").all("col")
        let widths = cols.compactMap { $0.attributes["width"].flatMap(Double.init) }
        #expect(widths == [8, 21, 62])
    }

    @Test(arguments: [
        ("Servers", "Servers"),
        ("web/01: [prod]*?", "web_01_ _prod___"),
        ("a\\b", "a_b"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("   ", "Sheet"),
        ("history", "history_"),
        ("tab\tand\u{202E}bidi", "tabandbidi"),
        ("A very long sheet name that Excel would refuse", "A very long sheet name that Exc"),
        ("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"),
        ("Tom & <Jerry>", "Tom & <Jerry>"),
    ])
    func sanitisesSheetNames(_ input: String, _ expected: String) {
        let name = XLSXWorkbook.sanitizedSheetName(input)
        #expect(name == expected)
        #expect(name.utf16.count <= 31)
    }

    @Test func sheetNamesAreUnique() throws {
        var workbook = XLSXWorkbook()
        let long = String(repeating: "x", count: 40)
        let names = ["Data", "data", "DATA", long, long].map { workbook.addSheet(named: $0, header: ["h"]) }
        #expect(names == ["Data", "data (2)", "DATA (3)", String(repeating: "x", count: 31), String(repeating: "x", count: 27) + " (2)"])
        let unzipped = try UnzippedWorkbook(workbook.encoded())
        #expect(try unzipped.xml("xl/workbook.xml").all("sheet").map { $0.attributes["name"] } == names)
        #expect(unzipped.entries["xl/worksheets/sheet5.xml"] != nil)
    }

    @Test func escapesSheetNamesInTheWorkbookPart() throws {
        var workbook = XLSXWorkbook()
        workbook.addSheet(named: "R&D <\"lab\">", header: [])
        let unzipped = try UnzippedWorkbook(workbook.encoded())
        #expect(try unzipped.xml("xl/workbook.xml").all("sheet").first?.attributes["name"] == "R&D <\"lab\">")
    }

    @Test func emptyWorkbookHasOneEmptySheet() throws {
        let unzipped = try UnzippedWorkbook(XLSXWorkbook().encoded())
        #expect(Set(unzipped.entries.keys) == Self.partPaths.subtracting(["xl/worksheets/sheet2.xml"]))
        #expect(try unzipped.xml("xl/workbook.xml").all("sheet").map { $0.attributes["name"] } == ["Sheet1"])
        #expect(try unzipped.cells(sheet: 1).isEmpty)
    }

    @Test func columnNames() {
        #expect([0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383].map(XLSXWorkbook.columnName) == ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"])
    }

    @Test func refusesMoreColumnsThanAWorksheetHolds() throws {
        var workbook = XLSXWorkbook()
        workbook.addSheet(named: "wide", header: [], rows: [Array(repeating: .integer(1), count: XLSXWorkbook.maximumColumns + 1)])
        let error = #expect(throws: XLSXError.self) { try workbook.encoded() }
        #expect(error?.kind == .tooManyColumns)
    }

    @Test func refusesMoreRowsThanAWorksheetHolds() throws {
        var workbook = XLSXWorkbook()
        workbook.addSheet(named: "long", header: ["h"], rows: Array(repeating: [], count: XLSXWorkbook.maximumRows))
        let error = #expect(throws: XLSXError.self) { try workbook.encoded() }
        #expect(error?.kind == .tooManyRows)
        #expect(error?.message.contains("1048577 rows") == true)
    }
}

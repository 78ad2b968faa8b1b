import Foundation
import TestTags
import Testing

@testable import DashboardExport

/// The Python with the test tooling's packages: `SD_TEST_PYTHON` (scripts/run-tests.sh sets
/// it), else the venv scripts/browser-venv.sh makes in .build-tools/venv, else `python3`.
private let testPython: [String] = {
    let environment = ProcessInfo.processInfo.environment
    if let python = environment["SD_TEST_PYTHON"], !python.isEmpty { return [python] }
    let venv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build-tools/venv/bin/python").standardized.path
    if FileManager.default.isExecutableFile(atPath: venv) { return [venv] }
    return ["/usr/bin/env", "python3"]
}()

/// Runs the test Python with arguments; `nil` when it cannot be started or exits non-zero.
private func runPython(_ arguments: [String]) -> Data? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: testPython[0])
    process.arguments = Array(testPython.dropFirst()) + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
    } catch {
        return nil
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? data : nil
}

/// Whether openpyxl can be imported (scripts/browser-venv.sh installs it).
private let openpyxlAvailable = runPython(["-c", "import openpyxl"]) != nil

/// Whether this run must read the workbook with openpyxl: in CI (`CI=true`) and when the
/// runner says so (`SD_REQUIRE_OPENPYXL=1`, set by scripts/run-tests.sh). Then a missing
/// openpyxl fails the test instead of skipping it.
private let openpyxlRequired: Bool = {
    let environment = ProcessInfo.processInfo.environment
    return environment["CI"] == "true" || environment["SD_REQUIRE_OPENPYXL"] == "1"
}()

/// A second opinion from an independent reader: openpyxl loads the workbook the way a spreadsheet would.
@Suite(.tags(.python)) struct XLSXOpenPyXLTests {
    private static let script = """
        import json, sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        out = []
        for ws in wb.worksheets:
            rows = [[{"value": c.value.isoformat() if hasattr(c.value, "isoformat") else c.value,
                      "type": c.data_type, "bold": bool(c.font.b), "quote_prefix": bool(c.quotePrefix)}
                     for c in row] for row in ws.iter_rows()]
            out.append({"title": ws.title, "freeze": ws.freeze_panes, "rows": rows})
        print(json.dumps(out))
        """

    private struct Sheet: Decodable {
        var title: String
        var freeze: String?
        var rows: [[Cell]]
    }

    private struct Cell: Decodable {
        var value: Value?
        var type: String
        var bold: Bool
        var quotePrefix: Bool

        enum CodingKeys: String, CodingKey {
            case value, type, bold
            case quotePrefix = "quote_prefix"
        }
    }

    private enum Value: Decodable, Equatable {
        case text(String), number(Double)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .number(try container.decode(Double.self))
            }
        }
    }

    @Test(
        .enabled(
            if: openpyxlAvailable || openpyxlRequired,
            "no Python with openpyxl (scripts/browser-venv.sh installs it): independent-reader check skipped outside CI"))
    func openpyxlReadsTheWorkbook() throws {
        try #require(openpyxlAvailable, "\(testPython.joined(separator: " ")) cannot import openpyxl, and this run requires it: run scripts/browser-venv.sh")
        var workbook = XLSXWorkbook()
        let hostile = "=HYPERLINK(\"http://x\",\"click\")"
        workbook.addSheet(
            named: "web/01 [prod]", header: ["name", "cpu", "bytes", "seen"],
            rows: [
                [.text(hostile), .number(-5.25), .integer(8_589_934_592), .timestamp(Date(timeIntervalSince1970: 1_764_084_313))],
                [.text("<b>&amp;\u{1}\u{202E}🚀"), .empty, .integer(-5), .text("line\nbreak")],
            ])
        workbook.addSheet(named: "Second", header: ["only"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-export-\(UUID().uuidString).xlsx")
        try workbook.encoded().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let output = try #require(runPython(["-c", Self.script, file.path]), "openpyxl could not load the workbook")
        let sheets = try JSONDecoder().decode([Sheet].self, from: output)
        #expect(sheets.map(\.title) == ["web_01 _prod_", "Second"])
        #expect(sheets[0].freeze == "A2")
        let rows = sheets[0].rows
        #expect(rows[0].map(\.value) == [.text("name"), .text("cpu"), .text("bytes"), .text("seen")])
        #expect(rows[0].allSatisfy { $0.bold })
        #expect(rows[1][0].value == .text(hostile))
        #expect(rows[1][0].type == "s", "a string, not a formula (openpyxl reports formulas as type f)")
        #expect(rows[1][0].quotePrefix)
        #expect(rows[1][1].value == .number(-5.25))
        #expect(rows[1][2].value == .number(8_589_934_592))
        #expect(rows[1][3].value == .text("2025-11-25T15:25:13"))
        #expect(rows[1][3].type == "d")
        #expect(rows[2][0].value == .text("<b>&amp;\u{202E}🚀"))
        #expect(rows[2][1].value == nil)
        #expect(rows[2][3].value == .text("line\nbreak"))
        #expect(!rows[2][0].bold)
        #expect(sheets[1].rows.count == 1)
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import ZIPFoundation

@testable import API

/// `GET /api/servers/{server_name}/metrics/history.xlsx`: the CSV's columns and rows in a real
/// workbook, figures as numeric cells and bucket starts as dates; a hostile server name stays
/// out of the workbook and is made safe in the file name.
@Suite(.tags(.postgres)) struct HistoryXLSXTests {
    /// One cell of the sheet as the XML holds it: a number (`<v>`), a text (`<is><t>`), and its style.
    struct Cell: Equatable {
        var number: Double?
        var text: String?
        var style: String?
    }

    /// The cells of `xl/worksheets/sheet1.xml`, row by row, by column letter.
    static func cells(ofWorkbook data: Data) throws -> (rows: [[String: Cell]], xml: String, entries: [String]) {
        let archive = try Archive(data: data, accessMode: .read)
        let entry = try #require(archive["xl/worksheets/sheet1.xml"])
        var sheet = Data()
        _ = try archive.extract(entry) { sheet.append($0) }
        let xml = String(decoding: sheet, as: UTF8.self)
        var rows: [[String: Cell]] = []
        for row in xml.matches(of: #/<row r="\d+">(.*?)</row>/#) {
            var cells: [String: Cell] = [:]
            for cell in row.output.1.matches(of: #/<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="inlineStr")?>(.*?)</c>/#) {
                let inner = String(cell.output.3)
                var value = Cell(style: cell.output.2.map(String.init))
                if let number = inner.firstMatch(of: #/<v>([^<]*)</v>/#) { value.number = Double(number.output.1) }
                if let text = inner.firstMatch(of: #/<t[^>]*>([^<]*)</t>/#) { value.text = String(text.output.1) }
                cells[String(cell.output.1)] = value
            }
            rows.append(cells)
        }
        return (rows, xml, archive.map(\.path))
    }

    /// The column letters of a zero-based index, as the workbook writes them.
    static func column(_ index: Int) -> String {
        var index = index
        var name = ""
        repeat {
            name = String(UnicodeScalar(UInt8(65 + index % 26))) + name
            index = index / 26 - 1
        } while index >= 0
        return name
    }

    @Test func theWorkbookHoldsTheCSVsRowsAsNumbersAndDates() async throws {
        let api = try await APIHarness.make()
        let now = Date()
        try await SeededFleet.seed(api.test, now: now)
        let name = SeededFleet.critical.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let query = "from=\(Timestamp.format(now.addingTimeInterval(-7200)))&to=\(Timestamp.format(now))&step=60"
        try await api.withClient { client in
            let (csvStatus, _, csvBody) = try await client.get("/api/servers/\(name)/metrics/history.csv?\(query)")
            #expect(csvStatus == .ok)
            let (status, headers, body) = try await client.get("/api/servers/\(name)/metrics/history.xlsx?\(query)")
            #expect(status == .ok)
            #expect(headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let disposition = try #require(headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment; filename=\"db_01__n_c_d_-history-") && disposition.contains(".xlsx\""))
            #expect(disposition.contains("filename*=UTF-8''db%2001%20%C3%BCn") && disposition.hasSuffix(".xlsx"))
            #expect(headers[.cacheControl] == "no-store")

            let csv = String(decoding: csvBody, as: UTF8.self).replacing("\u{FEFF}", with: "").split(separator: "\r\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
            let (rows, xml, _) = try Self.cells(ofWorkbook: body)
            #expect(!xml.contains("<f>"))
            #expect(rows.count == csv.count, "one row per CSV line: \(rows.count) vs \(csv.count)")
            #expect(csv.count >= 2, "the seeded sample makes a bucket")
            // The header: the CSV's, column for column.
            for (index, title) in csv[0].enumerated() {
                #expect(rows[0][Self.column(index)]?.text == title, "header column \(index)")
            }
            #expect(csv[0].starts(with: ["bucket_start", "samples", "cpu_percent_avg", "cpu_percent_max"]))
            for (line, fields) in csv.enumerated().dropFirst() {
                let row = rows[line]
                // The bucket start: a date cell whose serial is the CSV's instant.
                let start = try #require(row["A"], "row \(line): no bucket start")
                #expect(start.style != nil && start.number != nil, "row \(line): the bucket start is a styled date serial")
                let instant = try #require(Timestamp.parse(fields[0]))
                let serial = instant.timeIntervalSince1970 / 86_400 + 25_569
                #expect(abs((start.number ?? 0) - serial) < 0.001 / 86_400, "row \(line): \(start) vs \(fields[0])")
                // Every other field: the same number, or empty in both.
                for (index, field) in fields.enumerated().dropFirst() {
                    let cell = row[Self.column(index)]
                    if field.isEmpty {
                        #expect(cell == nil, "row \(line) column \(csv[0][index]): empty in the CSV, \(String(describing: cell)) in the workbook")
                    } else {
                        #expect(
                            cell?.text == nil && cell?.number == Double(field), "row \(line) column \(csv[0][index]): \(field) vs \(String(describing: cell))")
                    }
                }
            }
            #expect(try await client.get("/api/servers/\(name)/metrics/history.xlsx?step=1").status == .badRequest)
            #expect(try await client.get("/api/servers/nope/metrics/history.xlsx").status == .notFound)
        }
    }

    @Test func aHostileServerNameStaysOutOfTheWorkbookAndItsFileName() async throws {
        let api = try await APIHarness.make()
        let hostile = "=HYPERLINK(\"http://x\",\"y\") <b>&amp;'..\\ ünï"
        let ids = try await api.test.database.servers.sync(inventory: [
            ServerConfig(name: hostile, host: "127.0.0.1", username: "u", tags: ["<script>alert(1)</script>", "=1+1"])
        ])
        let now = Date()
        try await api.test.database.samples.store(makeSample(at: now.addingTimeInterval(-30), cpu: 42), serverID: try #require(ids[hostile]))
        let encoded = hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        try await api.withClient { client in
            let (status, headers, body) = try await client.get(
                "/api/servers/\(encoded)/metrics/history.xlsx?from=\(Timestamp.format(now.addingTimeInterval(-3600)))&step=60")
            #expect(status == .ok)
            let disposition = try #require(headers[.contentDisposition])
            // The ASCII name: letters, digits, '.', '-', '_' only; the UTF-8 name percent-encoded.
            let ascii = try #require(disposition.firstMatch(of: #/filename="([^"]*)"/#)?.output.1)
            #expect(ascii.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }, "\(ascii)")
            let utf8 = try #require(disposition.firstMatch(of: #/filename\*=UTF-8''(\S+)$/#)?.output.1)
            #expect(utf8.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-%".contains($0)) }, "\(utf8)")
            #expect(String(utf8).removingPercentEncoding?.hasPrefix(hostile) == true)
            let (rows, xml, entries) = try Self.cells(ofWorkbook: body)
            #expect(!xml.contains("<f>") && !xml.contains("HYPERLINK") && !xml.contains("<script"))
            #expect(entries.allSatisfy { !$0.contains("..") && !$0.hasPrefix("/") }, "\(entries)")
            #expect(rows.count == 2)
            #expect(rows[1]["C"]?.number == 42, "cpu_percent_avg")
            let workbook = try Archive(data: body, accessMode: .read)
            var names = Data()
            _ = try workbook.extract(try #require(workbook["xl/workbook.xml"])) { names.append($0) }
            #expect(String(decoding: names, as: UTF8.self).contains("name=\"Metric history\""))
            try Self.expectOpenpyxlReads(body)
        }
    }

    /// An independent reader, when the test Python has openpyxl (scripts/browser-venv.sh
    /// installs it; required in CI): the workbook loads, the header is text, bucket starts
    /// are dates and every figure a number.
    static func expectOpenpyxlReads(_ workbook: Data) throws {
        let environment = ProcessInfo.processInfo.environment
        let venv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build-tools/venv/bin/python").standardized.path
        let python =
            environment["SD_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? (FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3")
        let required = environment["CI"] == "true" || environment["SD_REQUIRE_OPENPYXL"] == "1"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).xlsx")
        try workbook.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import json, sys
            try:
                import openpyxl
            except ImportError:
                sys.exit(3)
            ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
            print(json.dumps([[c.data_type for c in row if c.value is not None] for row in ws.iter_rows()]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 3 {
            #expect(!required, "\(python) cannot import openpyxl, and this run requires it: run scripts/browser-venv.sh")
            return
        }
        #expect(process.terminationStatus == 0, "openpyxl could not load the workbook")
        let types = try JSONDecoder().decode([[String]].self, from: data)
        #expect(types.first?.allSatisfy { $0 == "s" } == true, "header: \(types.first ?? [])")
        for row in types.dropFirst() {
            #expect(row.first == "d" && row.dropFirst().allSatisfy { $0 == "n" }, "\(row)")
        }
    }
}

import FoundationEssentials

/// An Excel workbook (Office Open XML, `.xlsx`) of one or more named sheets, built in memory.
///
/// Each sheet has a bold header row, frozen so it stays visible while scrolling, and
/// column widths fitted to their content. Cells are written by type:
/// - `.number` and `.integer` as numeric cells (`<v>`); NaN and infinities as empty cells.
/// - `.timestamp` as a date serial with the `yyyy-mm-dd hh:mm:ss` format, so sorting and
///   filtering work. Spreadsheets have no time zones: the serial is the UTC wall time.
///   Instants outside 1900-03-01…9999-12-31, which serials cannot express, are written
///   as ISO-8601 text instead.
/// - `.text` as an inline string (`t="inlineStr"`), XML-escaped, with what XML 1.0
///   forbids (control characters other than TAB, LF and CR; U+FFFE, U+FFFF) removed,
///   literal `_xHHHH_` sequences protected, and cut to Excel's 32,767-character limit.
///
/// Formula injection: a typed string cell is data, never evaluated, and no `<f>` element
/// is ever written, so text is kept exactly — a `'` prefix as CSV needs would show up as
/// part of the value. Text that starts like a formula also gets Excel's `quotePrefix`
/// style, so editing the cell and pressing Enter keeps it text rather than evaluating it.
public struct XLSXWorkbook: Sendable, Equatable {
    /// The media type to serve the output with.
    public static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    /// The most rows a worksheet holds, the header included.
    public static let maximumRows = 1_048_576
    /// The most columns a worksheet holds.
    public static let maximumColumns = 16_384
    /// The longest text a cell holds, in UTF-16 code units; longer text is cut.
    public static let maximumTextLength = 32_767

    /// One worksheet: a name, a header row and data rows.
    public struct Sheet: Sendable, Equatable {
        /// The sheet's tab name, already made valid and unique by `addSheet`.
        public var name: String
        /// The column titles (row 1, bold); empty for a sheet without a header.
        public var header: [String]
        /// The data rows, in order.
        public var rows: [[ExportCell]]
    }

    /// The sheets, in tab order.
    public private(set) var sheets: [Sheet] = []

    /// Creates an empty workbook; one with no sheet is written with a single empty `Sheet1`.
    public init() {}

    /// Adds a sheet and returns the name it got (see `sanitizedSheetName(_:avoiding:)`).
    @discardableResult
    public mutating func addSheet(named name: String, header: [String], rows: [[ExportCell]] = []) -> String {
        let sheetName = Self.sanitizedSheetName(name, avoiding: sheets.map(\.name))
        sheets.append(Sheet(name: sheetName, header: header, rows: rows))
        return sheetName
    }

    /// The `.xlsx` file's bytes: the package parts, deflated into a ZIP archive.
    public func encoded() throws -> Data {
        let written = sheets.isEmpty ? [Sheet(name: "Sheet1", header: [], rows: [])] : sheets
        var parts: [(path: String, text: String)] = [
            ("[Content_Types].xml", Self.contentTypesPart(sheetCount: written.count)),
            ("_rels/.rels", Self.packageRelationshipsPart()),
            ("xl/workbook.xml", Self.workbookPart(sheetNames: written.map(\.name))),
            ("xl/_rels/workbook.xml.rels", Self.workbookRelationshipsPart(sheetCount: written.count)),
            ("xl/styles.xml", Self.stylesPart()),
        ]
        for (index, sheet) in written.enumerated() {
            let rowCount = sheet.rows.count + (sheet.header.isEmpty ? 0 : 1)
            guard rowCount <= Self.maximumRows else {
                throw XLSXError(
                    kind: .tooManyRows,
                    message:
                        "sheet \"\(sheet.name)\" has \(rowCount) rows, more than the \(Self.maximumRows) a worksheet holds — export a shorter period or split it into several sheets"
                )
            }
            let columnCount = sheet.rows.reduce(sheet.header.count) { max($0, $1.count) }
            guard columnCount <= Self.maximumColumns else {
                throw XLSXError(
                    kind: .tooManyColumns, message: "sheet \"\(sheet.name)\" has \(columnCount) columns, more than the \(Self.maximumColumns) a worksheet holds"
                )
            }
            parts.append(("xl/worksheets/sheet\(index + 1).xml", Self.worksheetPart(sheet, selected: index == 0)))
        }
        return try Self.zip(parts)
    }

    /// Deflates the parts into an in-memory ZIP archive, in the given order.
    private static func zip(_ parts: [(path: String, text: String)]) throws -> Data {
        do {
            var archive = ZIPArchive()
            for part in parts {
                try archive.add(path: part.path, content: Array(part.text.utf8))
            }
            return Data(try archive.finished())
        } catch {
            throw XLSXError(kind: .archive, message: "cannot write the workbook's ZIP archive: \(error)")
        }
    }
}

import DashboardCore
import FoundationEssentials

/// A CSV file (RFC 4180) built in memory: a header row, then rows of typed cells.
///
/// Output conventions:
/// - UTF-8 with a byte-order mark by default: Excel reads a UTF-8 CSV as the machine's
///   legacy code page unless the file starts with a BOM, which garbles every non-ASCII
///   name. Pass `byteOrderMark: false` for programs that do not expect one.
/// - Every record, the last included, ends with CRLF; a field is quoted when it contains
///   a comma, a double quote, CR or LF, and quotes inside are doubled.
/// - Numbers use `.` as decimal separator and the shortest exact form; NaN and infinities
///   become empty fields. Timestamps are UTC ISO-8601 with milliseconds (`Timestamp`).
/// - Formula injection is neutralised: a `.text` cell (or header) that starts with `=`,
///   `+`, `-`, `@`, TAB, CR, LF or a full-width `＝＋－＠` gets a leading `'`, so a
///   spreadsheet shows it as text instead of evaluating it (OWASP "CSV Injection").
///   `.number` and `.integer` cells are never altered: `-5` stays `-5`.
/// - Rows shorter than the widest row (or the header) are padded with empty fields, so
///   every record has the same number of fields. An empty header writes no header record.
public struct CSVDocument: Sendable, Equatable {
    /// The media type to serve the output with.
    public static let contentType = "text/csv; charset=utf-8"

    /// The column titles, written as the first record.
    public var header: [String]
    /// The data rows, in order.
    public var rows: [[ExportCell]]
    /// Whether the output starts with the UTF-8 byte-order mark `EF BB BF`.
    public var byteOrderMark: Bool

    /// Creates a document with a header and, optionally, rows.
    public init(header: [String], rows: [[ExportCell]] = [], byteOrderMark: Bool = true) {
        self.header = header
        self.rows = rows
        self.byteOrderMark = byteOrderMark
    }

    /// Appends one row.
    public mutating func append(_ row: [ExportCell]) {
        rows.append(row)
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        let width = rows.reduce(header.count) { max($0, $1.count) }
        var out = [UInt8]()
        out.reserveCapacity(64 * (rows.count + 1))
        if byteOrderMark {
            out.append(contentsOf: [0xEF, 0xBB, 0xBF])
        }
        if !header.isEmpty {
            appendRecord(header.map(ExportCell.text), width: width, to: &out)
        }
        for row in rows {
            appendRecord(row, width: width, to: &out)
        }
        return out
    }

    /// The file's bytes as `Data`.
    public func data() -> Data {
        Data(encoded())
    }

    /// The text of one field, before quoting.
    static func fieldText(_ cell: ExportCell) -> String {
        switch cell {
        case .text(let text):
            return ExportCell.startsLikeFormula(text) ? "'" + text : text
        case .number(let value):
            return ExportCell.decimalText(value) ?? ""
        case .integer(let value):
            return String(value)
        case .timestamp(let date):
            return Timestamp.format(date)
        case .empty:
            return ""
        }
    }

    private func appendRecord(_ cells: [ExportCell], width: Int, to out: inout [UInt8]) {
        for index in 0..<max(width, cells.count) {
            if index > 0 {
                out.append(UInt8(ascii: ","))
            }
            let text = index < cells.count ? Self.fieldText(cells[index]) : ""
            Self.appendField(text, to: &out)
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }

    private static func appendField(_ text: String, to out: inout [UInt8]) {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else {
            out.append(contentsOf: text.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") {
                out.append(byte)
            }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}

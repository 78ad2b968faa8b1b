import FoundationEssentials

/// One typed value of a CSV or XLSX row.
///
/// The type decides how a value is written: only `.text` is ever treated as text that a
/// spreadsheet could mistake for a formula, so numbers go in `.number` or `.integer`,
/// never as digits in `.text`.
public enum ExportCell: Sendable, Equatable {
    /// Free text, possibly from a monitored host; never interpreted.
    case text(String)
    /// A floating-point figure; NaN and infinities are written as an empty cell.
    case number(Double)
    /// An exact whole number (byte counts, counters).
    case integer(Int64)
    /// An instant, written in UTC.
    case timestamp(Date)
    /// No value.
    case empty
}

extension ExportCell {
    /// Whether a text starts with a character that makes spreadsheets read it as a formula
    /// (OWASP's `=`, `+`, `-`, `@`, TAB, CR, plus LF and the full-width `＝＋－＠`).
    static func startsLikeFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        switch first {
        case "=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}": return true
        default: return false
        }
    }

    /// A finite double as the shortest text that reads back to the same value, with whole
    /// numbers below 2^63 printed as plain digits (`5`, not `5.0`; `1000000000000000000`,
    /// not `1e+18`), which is exact since such a double is an integer; `nil` for NaN and infinities.
    static func decimalText(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 9.223_372_036_854_775_808e18 {
            return String(Int64(value))  // also turns -0.0 into "0"
        }
        return value.description
    }
}

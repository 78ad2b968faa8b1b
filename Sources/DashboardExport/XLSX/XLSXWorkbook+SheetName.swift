import DashboardCore

extension XLSXWorkbook {
    /// The longest sheet name Excel accepts, in UTF-16 code units.
    public static let maximumSheetNameLength = 31

    /// Makes a name Excel accepts as a sheet tab and that differs from `existing`.
    ///
    /// Removes control and bidi-override characters, replaces `[ ] : * ? / \` with `_`,
    /// trims spaces and the apostrophes Excel forbids at either end, renames the reserved
    /// `History` to `History_`, falls back to `Sheet` for an empty result, cuts to 31
    /// characters, and appends ` (2)`, ` (3)`… when the name is taken (case-insensitively,
    /// as Excel compares).
    public static func sanitizedSheetName(_ name: String, avoiding existing: [String] = []) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars where !HostText.isUnsafe(scalar) && XMLText.isAllowed(scalar) {
            switch scalar {
            case "[", "]", ":", "*", "?", "/", "\\": scalars.append("_")
            default: scalars.append(scalar)
            }
        }
        var base = trimmed(String(scalars))
        if base.lowercased() == "history" {
            base += "_"
        }
        if base.isEmpty {
            base = "Sheet"
        }
        base = trimmed(XMLText.truncated(base, toUTF16: maximumSheetNameLength))
        let taken = Set(existing.map { $0.lowercased() })
        var candidate = base
        var number = 2
        while taken.contains(candidate.lowercased()) {
            let suffix = " (\(number))"
            candidate = trimmed(XMLText.truncated(base, toUTF16: maximumSheetNameLength - suffix.utf16.count)) + suffix
            number += 1
        }
        return candidate
    }

    private static func trimmed(_ text: String) -> String {
        var result = Substring(text)
        while let first = result.first, first == "'" || first.isWhitespace {
            result = result.dropFirst()
        }
        while let last = result.last, last == "'" || last.isWhitespace {
            result = result.dropLast()
        }
        return String(result)
    }
}

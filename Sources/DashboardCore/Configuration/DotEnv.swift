import FoundationEssentials

/// Parses `.env` files: `KEY=value` lines, `#` comments, optional `export `, and single-
/// or double-quoted values (double quotes understand `\n`, `\"` and `\\`).
public enum DotEnv {
    /// The assignments in `text`, later lines winning; malformed lines are reported by number.
    public static func parse(_ text: String) -> (values: [String: String], problems: [String]) {
        var values: [String: String] = [:]
        var problems: [String] = []
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)).trimmingWhitespace() }
            guard let equals = line.firstIndex(of: "=") else {
                problems.append("line \(offset + 1): expected KEY=value")
                continue
            }
            let key = line[..<equals].trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                problems.append("line \(offset + 1): \"\(key.prefix(40))\" is not a variable name")
                continue
            }
            values[key] = unquote(line[line.index(after: equals)...].trimmingWhitespace())
        }
        return (values, problems)
    }

    private static func unquote(_ value: String) -> String {
        if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") {
            return String(value.dropFirst().dropLast())
        }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            var result = ""
            var escaping = false
            for character in value.dropFirst().dropLast() {
                if escaping {
                    switch character {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: result.append(character)
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    result.append(character)
                }
            }
            return result
        }
        // Unquoted: a ` #` starts a comment.
        if let comment = value.firstRange(of: " #") {
            return value[..<comment.lowerBound].trimmingWhitespace()
        }
        return value
    }
}

/// Lengths of time as people type them on the command line: `90m`, `2h`, `1d12h`, `45s`, `1w`.
public enum SpanText {
    /// The span in seconds, or `nil` when `text` is not one or more `<number><s|m|h|d|w>` parts.
    public static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var total = 0.0
        var digits = ""
        var parts = 0
        for character in text.lowercased() {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let number = Double(digits), digits.count <= 6 {
                total += number * unit
                digits = ""
                parts += 1
            } else {
                return nil
            }
        }
        guard digits.isEmpty, parts > 0, total > 0 else { return nil }
        return total
    }
}

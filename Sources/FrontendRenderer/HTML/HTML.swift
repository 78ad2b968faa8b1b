/// A fragment of trusted markup.
///
/// Escaping is the default: in `"<td>\(name)</td>" as HTML` every interpolated `String`
/// is escaped for text and attribute values alike, while an interpolated `HTML` is
/// inserted as it is. The only way to add raw markup is a literal or ``HTML/init(unsafeRaw:)``.
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var markup: String

    /// Markup known to be safe (literals built in this module, never host text).
    init(unsafeRaw markup: String) {
        self.markup = markup
    }

    init(stringLiteral value: String) {
        markup = value
    }

    init(stringInterpolation: StringInterpolation) {
        markup = stringInterpolation.markup
    }

    /// Nothing.
    static let empty = HTML(unsafeRaw: "")

    var description: String { markup }

    /// Appends another fragment.
    mutating func append(_ other: HTML) {
        markup += other.markup
    }

    /// Appends `text`, escaped.
    mutating func append(text: String) {
        HTML.escape(text, into: &markup)
    }

    static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(unsafeRaw: lhs.markup + rhs.markup)
    }

    /// Builds a fragment from the pieces `body` produces, in order.
    static func join<S: Sequence>(_ items: S, _ body: (S.Element) -> HTML) -> HTML {
        var out = HTML.empty
        for item in items { out.append(body(item)) }
        return out
    }

    /// Interpolation that escapes strings and numbers and passes fragments through.
    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var markup: String

        init(literalCapacity: Int, interpolationCount: Int) {
            markup = ""
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            markup += literal
        }

        /// Host or user text: escaped.
        mutating func appendInterpolation(_ text: String) {
            HTML.escape(text, into: &markup)
        }

        /// Host or user text, nothing when absent.
        mutating func appendInterpolation(_ text: String?) {
            if let text { HTML.escape(text, into: &markup) }
        }

        mutating func appendInterpolation(_ text: Substring) {
            HTML.escape(String(text), into: &markup)
        }

        /// A trusted fragment.
        mutating func appendInterpolation(_ fragment: HTML) {
            markup += fragment.markup
        }

        mutating func appendInterpolation(_ fragment: HTML?) {
            if let fragment { markup += fragment.markup }
        }

        mutating func appendInterpolation(_ value: Int) {
            markup += String(value)
        }

        mutating func appendInterpolation(_ value: Int64) {
            markup += String(value)
        }

        /// A whole fragment per element.
        mutating func appendInterpolation(_ fragments: [HTML]) {
            for fragment in fragments { markup += fragment.markup }
        }
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` — safe in element content and in quoted attribute values.
    static func escape(_ text: String, into out: inout String) {
        var needs = false
        for byte in text.utf8 where byte == 38 || byte == 60 || byte == 62 || byte == 34 || byte == 39 {
            needs = true
            break
        }
        guard needs else {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// `text`, escaped.
    static func escaped(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }
}

import FoundationEssentials
import Glibc

extension ProbeParser {
    /// Why a figure could not be read.
    enum NumberError: Error {
        case missing, invalid, negative, tooLarge, notFinite

        /// Completes "the figure …".
        var reason: String {
            switch self {
            case .missing: "is missing"
            case .invalid: "is not a number"
            case .negative: "is negative"
            case .tooLarge: "is too large"
            case .notFinite: "is not a finite number"
            }
        }
    }

    /// A few short ASCII names, found by a hash of the bytes and confirmed byte by byte,
    /// so a lookup costs one pass over the input instead of one comparison per name.
    struct NameTable: Sendable {
        let names: [StaticString]
        private let indexByHash: [UInt64: Int]

        init(_ names: [StaticString]) {
            self.names = names
            var indexByHash: [UInt64: Int] = [:]
            for (index, name) in names.enumerated() {
                indexByHash[ProbeParser.hash(name.utf8Start, count: name.utf8CodeUnitCount)] = index
            }
            self.indexByHash = indexByHash
        }

        /// The position in `names` of the name `span` holds.
        func index(of span: Span, in context: Context) -> Int? {
            guard let index = indexByHash[context.hash(span)], context.equals(span, names[index]) else { return nil }
            return index
        }
    }

    /// A hash of `count` bytes from their length and three 8-byte words (start, middle, end).
    ///
    /// Constant time whatever the length: it only picks which entries to compare byte by
    /// byte, so it need not see every byte. The middle word tells apart paths that share a
    /// start and an end, such as `/var/lib/docker/overlay2/<id>/merged`.
    static func hash(_ start: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var head: UInt64 = 0
        var middle: UInt64 = 0
        var tail: UInt64 = 0
        memcpy(&head, start, min(count, 8))
        if count > 8 {
            memcpy(&tail, start + (count - 8), 8)
            memcpy(&middle, start + (count - 8) / 2, 8)
        }
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        hash = (hash ^ head) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ middle) &* 0x94D0_49BB_1331_11EB
        hash = (hash ^ tail) &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 31)
    }

    /// Powers of ten that a `Double` holds exactly.
    static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}

extension ProbeParser.Context {
    typealias Span = ProbeParser.Span
    typealias Section = ProbeParser.Section
    typealias NumberError = ProbeParser.NumberError

    // MARK: - Bytes
    //
    // The loops below read through `base`, a raw pointer, and stay inside a span of `bytes`
    // (every span lies within the output). A debug build would otherwise spend most of its
    // time in bounds-checked subscripts; the mutation tests run them on 100,000 broken outputs.

    /// A blank between fields: space, or a tab/line-feed/vertical-tab/form-feed/carriage-return.
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte &- 0x09 <= 4 }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 <= 9 }

    /// The offset of the next `byte` at or after `start` and before `end` (memchr).
    func indexOf(_ byte: UInt8, from start: Int, before end: Int) -> Int? {
        guard start < end, let found = memchr(base + start, Int32(byte), end - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// Whether `span` starts with `prefix`.
    func hasPrefix(_ span: Span, _ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        return span.end - span.start >= length && memcmp(base + span.start, prefix.utf8Start, length) == 0
    }

    /// Whether `span` is exactly `text`.
    func equals(_ span: Span, _ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        return span.end - span.start == length && memcmp(base + span.start, text.utf8Start, length) == 0
    }

    /// Whether `span` holds nothing but blanks.
    func isBlank(_ span: Span) -> Bool {
        var index = span.start
        while index < span.end {
            let byte = base[index]
            if byte != 0x20, byte &- 0x09 > 4 { return false }
            index += 1
        }
        return true
    }

    /// `span` without blanks at either end.
    func trimmed(_ span: Span) -> Span {
        var start = span.start
        var end = span.end
        while start < end, Self.isBlank(base[start]) { start += 1 }
        while end > start, Self.isBlank(base[end - 1]) { end -= 1 }
        return Span(start: start, end: end)
    }

    /// The next run of non-blank bytes at or after `cursor` and before `end`; moves `cursor` past it.
    ///
    /// The hottest loop of the parser, so the blank test is written out.
    func nextField(_ cursor: inout Int, before end: Int) -> Span? {
        var index = cursor
        while index < end {
            let byte = base[index]
            if byte != 0x20, byte &- 0x09 > 4 { break }
            index += 1
        }
        let start = index
        while index < end {
            let byte = base[index]
            if byte == 0x20 || byte &- 0x09 <= 4 { break }
            index += 1
        }
        cursor = index
        return index > start ? Span(start: start, end: index) : nil
    }

    /// For a `key=value` line: the value when the key matches.
    func value(of line: Span, key: StaticString) -> Span? {
        let length = key.utf8CodeUnitCount
        guard line.end - line.start > length, base[line.start + length] == 0x3D /* = */, hasPrefix(line, key) else { return nil }
        return Span(start: line.start + length + 1, end: line.end)
    }

    /// `ProbeParser.hash` of the bytes of `span`.
    func hash(_ span: Span) -> UInt64 {
        ProbeParser.hash(base + span.start, count: span.end - span.start)
    }

    // MARK: - Lines

    /// The next non-blank line of `body` at or after `cursor`, without its line end and cut to
    /// `maximumLineBytes`. An `error=` line is reported as the probe's own problem and skipped.
    func nextLine(_ cursor: inout Int, in body: Span, section: Section) -> Span? {
        while cursor < body.end {
            let start = cursor
            var end = body.end
            if let found = memchr(base + start, 0x0A, body.end - start) {
                end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            }
            cursor = end + 1
            if end > start, base[end - 1] == 0x0D { end -= 1 }
            if end - start > ProbeParser.maximumLineBytes {
                log.add(section, "a line of \(end - start) bytes was cut to \(ProbeParser.maximumLineBytes): \(excerpt(Span(start: start, end: end)))")
                end = start + ProbeParser.maximumLineBytes
            }
            // Blank lines are skipped; most lines start with their first field.
            var first = start
            while first < end, Self.isBlank(base[first]) { first += 1 }
            if first == end { continue }
            let line = Span(start: start, end: end)
            if base[start] == 0x65 /* e */, hasPrefix(line, "error=") {
                let message = trimmed(Span(start: start + 6, end: end))
                log.add(section, "the probe could not read this: \(excerpt(message, maximumBytes: 160))")
                continue
            }
            return line
        }
        return nil
    }

    // MARK: - Numbers

    /// A whole number in plain decimal digits (what `/proc` prints).
    func integer(_ span: Span) throws(NumberError) -> Int64 {
        guard span.start < span.end else { throw .missing }
        if base[span.start] == 0x2D /* - */ {
            throw span.count > 1 && isNumeric(Span(start: span.start + 1, end: span.end)) ? .negative : .invalid
        }
        var value: Int64 = 0
        var index = span.start
        while index < span.end {
            let digit = base[index] &- 0x30
            guard digit <= 9 else { throw .invalid }
            // Up to 18 digits cannot overflow; past that, check every step.
            if index - span.start < 18 {
                value = value &* 10 &+ Int64(truncatingIfNeeded: digit)
            } else {
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int64(truncatingIfNeeded: digit))
                if overflow1 || overflow2 {
                    throw isNumeric(span) ? .tooLarge : .invalid
                }
                value = sum
            }
            index += 1
        }
        return value
    }

    /// A whole number that fits `Int` (counts), or a thrown reason.
    func count(_ span: Span) throws(NumberError) -> Int {
        let value = try integer(span)
        guard let result = Int(exactly: value) else { throw .tooLarge }
        return result
    }

    /// A figure in kilobytes, as bytes.
    func kilobytes(_ span: Span) throws(NumberError) -> Int64 {
        try scaled(integer(span), by: 1024)
    }

    /// `value × factor`, or `tooLarge` when that does not fit an `Int64`.
    func scaled(_ value: Int64, by factor: Int64) throws(NumberError) -> Int64 {
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        if overflow { throw .tooLarge }
        return product
    }

    /// Whether `span` is digits with at most one `.` (a number, however large).
    func isNumeric(_ span: Span) -> Bool {
        var digits = 0
        var dots = 0
        var index = span.start
        while index < span.end {
            let byte = base[index]
            if Self.isDigit(byte) {
                digits += 1
            } else if byte == 0x2E /* . */ {
                dots += 1
            } else {
                return false
            }
            index += 1
        }
        return digits > 0 && dots <= 1
    }

    /// A non-negative decimal such as `0.52` or `350735.47`, finite, correctly rounded.
    func decimal(_ span: Span) throws(NumberError) -> Double {
        guard span.start < span.end else { throw .missing }
        if base[span.start] == 0x2D /* - */ {
            throw span.count > 1 && isNumeric(Span(start: span.start + 1, end: span.end)) ? .negative : .invalid
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var fractionDigits = 0
        var sawDot = false
        var sawDigit = false
        var index = span.start
        while index < span.end {
            let byte = base[index]
            if Self.isDigit(byte) {
                sawDigit = true
                if sawDot { fractionDigits += 1 }
                if mantissa != 0 || byte != 0x30 { significant += 1 }
                if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(truncatingIfNeeded: byte &- 0x30) }
            } else if byte == 0x2E /* . */, !sawDot {
                sawDot = true
            } else {
                throw isNonFiniteWord(span) ? .notFinite : .invalid
            }
            index += 1
        }
        guard sawDigit else { throw .invalid }
        // Exact when the digits fit a Double's 53-bit mantissa and the divisor is an exact power of ten.
        if significant <= 15, fractionDigits <= 22 {
            return Double(mantissa) / ProbeParser.exactPowersOfTen[fractionDigits]
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]), as: UTF8.self)
        guard let value = Double(text) else { throw .invalid }
        guard value.isFinite else { throw .tooLarge }
        return value
    }

    /// `nan`, `inf`, `infinity` in any case, with an optional sign.
    private func isNonFiniteWord(_ span: Span) -> Bool {
        var start = span.start
        if start < span.end, base[start] == 0x2B || base[start] == 0x2D { start += 1 }
        let length = span.end - start
        guard length == 3 || length == 8 else { return false }
        var word: [UInt8] = []
        for index in start..<span.end { word.append(base[index] | 0x20) }
        return word == Array("nan".utf8) || word == Array("inf".utf8) || word == Array("infinity".utf8)
    }

    // MARK: - Text

    /// Host text from `span`, cleaned by `HostText.clean`; a change on the way is reported as `what`.
    func text(_ span: Span, section: Section, what: @autoclosure () -> String) -> String {
        let cleaned = cleanedText(span, maximumBytes: HostText.defaultMaximumBytes)
        if cleaned.altered {
            log.add(section, "\(what()) had control characters, bidi controls or invalid UTF-8 removed: \(quoted(cleaned.text))")
        }
        if cleaned.truncated {
            log.add(section, "\(what()) was longer than \(HostText.defaultMaximumBytes) bytes and was cut: \(quoted(cleaned.text))")
        }
        return cleaned.text
    }

    /// `HostText.clean` of `span`. Printable ASCII within the limit is exactly what it would
    /// return unchanged, so that common case is decoded directly, without the scalar-by-scalar walk.
    func cleanedText(_ span: Span, maximumBytes: Int) -> HostText.Cleaned {
        let buffer = UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
        if span.count <= maximumBytes {
            var index = span.start
            while index < span.end, base[index] &- 0x20 < 0x5F { index += 1 }
            if index == span.end {
                return HostText.Cleaned(text: String(decoding: buffer, as: UTF8.self), altered: false, truncated: false)
            }
        }
        return HostText.clean(bytes: buffer, maximumBytes: maximumBytes)
    }

    /// A short, cleaned, quoted excerpt of the input for a problem message.
    func excerpt(_ span: Span, maximumBytes: Int = 48) -> String {
        // Only the start is shown, so only the start is cleaned (a few bytes more, for the `…`).
        let shown = Span(start: span.start, end: min(span.end, span.start + maximumBytes + 4))
        let cleaned = cleanedText(shown, maximumBytes: maximumBytes)
        let cut = cleaned.truncated || shown.end < span.end
        return "\"\(cleaned.text)\(cut ? "…" : "")\""
    }

    /// Text already cleaned, quoted for a problem message and cut to 48 bytes.
    func quoted(_ text: String) -> String {
        if text.utf8.count <= 48 { return "\"\(text)\"" }
        let cleaned = HostText.clean(text, maximumBytes: 48)
        return "\"\(cleaned.text)…\""
    }
}

extension ProbeParser {
    /// The problems met during one parse, at most `maximumProblemsPerSection` listed per section.
    ///
    /// A class, so a message can be built from the parse state while it is being recorded.
    final class ProblemLog {
        private var problems: [ProbeProblem] = []
        private var counts = [Int](repeating: 0, count: Section.allCases.count)

        /// Records a problem; the message is only built when it will be listed.
        func add(_ section: Section, _ message: @autoclosure () -> String) {
            counts[section.rawValue] += 1
            if counts[section.rawValue] <= ProbeParser.maximumProblemsPerSection {
                problems.append(ProbeProblem(section: section.label, message: message()))
            }
        }

        /// The problems, with one closing line per section that had more than could be listed.
        func finished() -> [ProbeProblem] {
            var result = problems
            for section in Section.allCases where counts[section.rawValue] > ProbeParser.maximumProblemsPerSection {
                let more = counts[section.rawValue] - ProbeParser.maximumProblemsPerSection
                result.append(ProbeProblem(section: section.label, message: "\(more) more problem(s) in this section not listed"))
            }
            return result
        }
    }
}

import APISupport
import DashboardCore
import Foundation

/// The promises `QueryParametersFuzzer` checks; each traps with what broke.
enum QueryFuzzCheck {
    /// The names the api reads, so the fuzzer's dictionary and mutations reach every accessor.
    static let names = ["from", "to", "step", "limit", "q", "server", "sort", "order", "state", "status", "include_disabled"]
    /// A fixed "now", so a run is reproducible.
    static let now = Date(timeIntervalSince1970: 1_764_084_313)

    /// An answer the api gives for a bad query: 400 `BAD_PARAMETER`, a short, clean message.
    static func require(_ error: APIError) {
        guard error.status == .badRequest, error.code == "BAD_PARAMETER" else {
            fatalError("query parsing answered \(error.status.code) \(error.code) instead of 400 BAD_PARAMETER")
        }
        guard error.message.utf8.count <= 400, !error.message.unicodeScalars.contains(where: HostText.isUnsafe) else {
            fatalError("error message too long or with control characters: \(error.message.prefix(200).debugDescription)")
        }
    }

    /// Every kept value is non-empty, within the byte limit and without NUL.
    static func requireValues(_ parameters: QueryParameters) {
        for (name, value) in parameters.values {
            guard !value.isEmpty, value.utf8.count <= QueryParameters.maximumValueBytes, !value.unicodeScalars.contains("\0"),
                !name.unicodeScalars.contains("\0")
            else {
                fatalError("kept \(name.debugDescription) = \(value.prefix(100).debugDescription)")
            }
            guard parameters.string(name) == value else { fatalError("string(\(name.debugDescription)) differs from values") }
        }
    }

    /// Percent-encoding every name and value and parsing again gives the same values.
    static func requireRoundTrip(_ parameters: QueryParameters) {
        let encoded = parameters.values.sorted { $0.key < $1.key }.map { "\(encode($0.key))=\(encode($0.value))" }.joined(separator: "&")
        do {
            let again = try QueryParameters(query: encoded)
            guard again.values == parameters.values else { fatalError("re-encoded query \(encoded.prefix(200).debugDescription) read differently") }
        } catch {
            fatalError("re-encoded query \(encoded.prefix(200).debugDescription) rejected: \(error.message)")
        }
    }

    /// Typed accessors: a value in range, `nil` only when absent, or a 400.
    static func requireAccessors(_ parameters: QueryParameters, _ name: String) {
        let present = parameters.string(name) != nil
        do {
            let text = try parameters.text(name, maximumLength: 100)
            guard (text != nil) == present, (text?.count ?? 0) <= 100 else {
                fatalError("text(\(name.debugDescription)) = \(String(describing: text).prefix(200))")
            }
        } catch { require(error) }
        do {
            let number = try parameters.integer(name, in: 1...500, default: 20)
            guard let number, (1...500).contains(number) else { fatalError("integer(\(name.debugDescription)) = \(String(describing: number))") }
        } catch { require(error) }
        do {
            if let date = try parameters.timestamp(name) {
                requireTimestampRoundTrip(date)
            } else if present {
                fatalError("timestamp(\(name.debugDescription)) nil for a present value")
            }
        } catch { require(error) }
        do {
            let choice = try parameters.choice(name, default: Choice.first)
            guard present || choice == .first else { fatalError("choice(\(name.debugDescription)) without a value") }
        } catch { require(error) }
    }

    /// A date read from a timestamp prints, and (to the microsecond) as one that reads back the same.
    static func requireTimestampRoundTrip(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { fatalError("timestamp read as \(seconds)") }
        // Any date prints, in both precisions, without trapping.
        _ = Timestamp.format(date)
        // Only dates with four-digit years print as themselves.
        guard seconds >= -62_135_596_800, seconds < 253_402_300_800 else { return }
        let printed = Timestamp.format(date, microseconds: true)
        // To the microsecond, widened by the Double's own resolution: far from 1970 (year 6026 is
        // about 1.3e11 s) one step of a Double is 15 µs, and printing works in microseconds
        // (about 1.3e17, where one step is 16), so a few steps are lost on the way.
        let tolerance = 0.000_01 + 4 * abs(seconds).ulp + (abs(seconds) * 1_000_000).ulp / 1_000_000
        guard let again = Timestamp.parse(printed), abs(again.timeIntervalSince1970 - seconds) < tolerance else {
            fatalError("timestamp \(seconds) printed as \(printed) read back as \(String(describing: Timestamp.parse(printed)?.timeIntervalSince1970))")
        }
    }

    /// A window the api accepts is within its bounds.
    static func requireWindow(_ parameters: QueryParameters) {
        let window: HistoryWindow
        do {
            window = try HistoryWindow(parameters, now: now)
        } catch {
            require(error)
            return
        }
        let span = window.to.timeIntervalSince(window.from)
        guard window.from < window.to, window.from >= HistoryWindow.earliest, window.to <= HistoryWindow.latest,
            span <= HistoryWindow.maximumSpan, (60...604_800).contains(window.step),
            span / Double(window.step) <= Double(HistoryWindow.maximumBuckets)
        else { fatalError("history window out of bounds: \(window)") }
    }

    /// Percent-encodes everything but the unreserved characters of RFC 3986.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// A stand-in enumeration for `choice`.
    enum Choice: String, CaseIterable {
        case first, second
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

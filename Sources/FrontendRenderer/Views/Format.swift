import DashboardCore
import FoundationEssentials
import Glibc

/// How figures read on the pages: short, unit-bearing, and `–` for what is unknown.
enum Format {
    /// The mark for a figure the host did not report.
    static let missing = "–"

    /// A catalogue figure in its unit (docs/adding-a-metric.md).
    static func figure(_ value: Double?, unit: MetricUnit) -> String {
        switch unit {
        case .percent: percent(value)
        case .load: number(value)
        case .count: integer(value.flatMap { Int(exactly: $0.rounded()) })
        case .bytes: value.map(bytes) ?? missing
        case .bytesPerSecond: rate(value)
        case .seconds: duration(value)
        case .celsius: value?.isFinite == true ? number(value, decimals: 1) + " °C" : missing
        }
    }

    /// `14.2 %`; whole numbers without decimals.
    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return missing }
        return number(value, decimals: 1) + " %"
    }

    /// A number with at most `decimals` decimals, trailing zeros removed.
    static func number(_ value: Double?, decimals: Int = 2) -> String {
        guard let value, value.isFinite else { return missing }
        var text = fixed(value, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `value` with exactly `decimals` decimals, as printf's `%.*f` writes it.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 350)  // the longest finite Double in %f, with 20 decimals
        let precision = Int32(clamping: min(max(decimals, 0), 20))
        let length = withVaList([precision, value]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
        guard length >= 0 else { return value.description }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A whole number with thin grouping: `12 345`.
    static func integer(_ value: Int?) -> String {
        guard let value else { return missing }
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "\u{202F}" }
            out.append(digit)
        }
        return out
    }

    /// `1.5 GiB`, in binary units.
    static func bytes(_ value: Int64?) -> String {
        guard let value else { return missing }
        return bytes(Double(value))
    }

    /// `1.5 GiB` from a double.
    static func bytes(_ value: Double) -> String {
        guard value.isFinite else { return missing }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var scaled = abs(value)
        var unit = 0
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        let sign = value < 0 ? "-" : ""
        return sign + number(scaled, decimals: scaled < 100 && unit > 0 ? 1 : 0) + " " + units[unit]
    }

    /// `1.2 MiB/s`.
    static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return missing }
        return bytes(value) + "/s"
    }

    /// `3 d 4 h`, `5 h 12 min`, `42 s`.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return missing }
        let total = Int(seconds)
        let days = total / 86_400, hours = (total % 86_400) / 3600, minutes = (total % 3600) / 60
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min" }
        return "\(total) s"
    }

    /// `just now`, `5 min ago`, `3 h ago`, `2 d ago` (or `in …` for the future).
    static func relative(_ date: Date?, now: Date) -> String {
        guard let date else { return "never" }
        let delta = now.timeIntervalSince(date)
        let magnitude = abs(delta)
        let text: String
        if magnitude < 45 {
            return "just now"
        } else if magnitude < 3600 {
            text = "\(Int((magnitude / 60).rounded())) min"
        } else if magnitude < 86_400 * 2 {
            text = "\(Int((magnitude / 3600).rounded())) h"
        } else {
            text = "\(Int((magnitude / 86_400).rounded())) d"
        }
        return delta >= 0 ? text + " ago" : "in " + text
    }

    /// `2026-01-31 12:00 UTC`.
    static func utc(_ date: Date?) -> String {
        guard let date else { return missing }
        let stamp = Timestamp.format(date)
        return String(stamp.prefix(10)) + " " + String(stamp.dropFirst(11).prefix(5)) + " UTC"
    }

    /// `2026-01-31T12:00:00Z` for `<time datetime>`.
    static func machine(_ date: Date) -> String {
        String(Timestamp.format(date).prefix(19)) + "Z"
    }
}

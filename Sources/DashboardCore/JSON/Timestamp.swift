import FoundationEssentials

/// UTC ISO-8601 timestamps as every service prints them: `2026-11-25T15:25:13.123Z`.
///
/// Hand-written because it sits on the hot path of every JSON document the api serves;
/// it accepts what it prints plus the common variants (no fraction, `+00:00`, a space
/// for `T`, offsets) so query parameters and PostgreSQL's text output both parse.
public enum Timestamp {
    /// Formats `date` in UTC with millisecond precision (`microseconds: true` for six digits).
    public static func format(_ date: Date, microseconds: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(27)
        append(date, microseconds: microseconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `date` as ``format(_:microseconds:)`` prints it to `out`, as UTF-8 bytes.
    public static func append(_ date: Date, microseconds: Bool = false, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumLength) { text in
            let count = write(date, microseconds: microseconds, to: text.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<count]))
        }
    }

    /// The most bytes ``write(_:microseconds:to:)`` writes (`9999-12-31T23:59:59.999999Z`).
    public static let maximumLength = 27

    /// Writes `date` as ``format(_:microseconds:)`` prints it at `out`, which has room for
    /// ``maximumLength`` bytes, and returns how many it wrote (24, or 27 with microseconds).
    public static func write(_ date: Date, microseconds: Bool = false, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let unitsPerSecond: Int64 = microseconds ? 1_000_000 : 1000
        let total = (date.timeIntervalSince1970 * Double(unitsPerSecond)).rounded(.down)
        // Four-digit years only: 0000-01-01 (-62,167,219,200 s) up to the end of 9999.
        guard total.isFinite, total >= -62_167_219_200 * Double(unitsPerSecond), total < 253_402_300_800 * Double(unitsPerSecond) else {
            let epoch: StaticString = "1970-01-01T00:00:00.000Z"
            out.initialize(from: epoch.utf8Start, count: epoch.utf8CodeUnitCount)
            return epoch.utf8CodeUnitCount
        }
        let units = Int64(total)
        let unitsPerDay = 86_400 * unitsPerSecond
        let days = floorDivide(units, unitsPerDay)
        let unitsOfDay = units - days * unitsPerDay
        let secondOfDay = unitsOfDay / unitsPerSecond
        let (year, month, day) = civilDate(fromDays: days)
        let hour = secondOfDay / 3600
        let minute = (secondOfDay / 60) % 60
        let second = secondOfDay % 60
        let fraction = unitsOfDay % unitsPerSecond
        var count = 0
        func put(_ value: Int64, _ width: Int, then separator: UInt8) {
            var rest = value
            for index in stride(from: count + width - 1, through: count, by: -1) {
                out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            out[count + width] = separator
            count += width + 1
        }
        put(year, 4, then: UInt8(ascii: "-"))
        put(month, 2, then: UInt8(ascii: "-"))
        put(day, 2, then: UInt8(ascii: "T"))
        put(hour, 2, then: UInt8(ascii: ":"))
        put(minute, 2, then: UInt8(ascii: ":"))
        put(second, 2, then: UInt8(ascii: "."))
        put(fraction, microseconds ? 6 : 3, then: UInt8(ascii: "Z"))
        return count
    }

    /// Parses `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|±HH[:MM]]` or a bare `YYYY-MM-DD`
    /// (midnight UTC). A time without a zone is taken as UTC. Returns `nil` for anything else.
    public static func parse(_ text: some StringProtocol) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
            let day = number(2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day) * 86_400)
        guard index < bytes.count else { return Date(timeIntervalSince1970: seconds) }
        guard expect(UInt8(ascii: "T")) || expect(UInt8(ascii: " ")) || expect(UInt8(ascii: "t")) else { return nil }
        guard let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2), hour < 24, minute < 60 else { return nil }
        var second: Int64 = 0
        var fraction = 0.0
        if expect(UInt8(ascii: ":")) {
            guard let parsed = number(2), parsed < 61 else { return nil }
            second = parsed
            if expect(UInt8(ascii: ".")) || expect(UInt8(ascii: ",")) {
                var scale = 0.1
                var sawDigit = false
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    fraction += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                    sawDigit = true
                }
                guard sawDigit else { return nil }
            }
        }
        seconds += Double(hour * 3600 + minute * 60 + second) + fraction
        if index == bytes.count || expect(UInt8(ascii: "Z")) || expect(UInt8(ascii: "z")) {
            return index == bytes.count ? Date(timeIntervalSince1970: seconds) : nil
        }
        let sign: Double
        if expect(UInt8(ascii: "+")) { sign = 1 } else if expect(UInt8(ascii: "-")) { sign = -1 } else { return nil }
        guard let offsetHours = number(2), offsetHours < 24 else { return nil }
        var offsetMinutes: Int64 = 0
        if expect(UInt8(ascii: ":")) {
            guard let parsed = number(2) else { return nil }
            offsetMinutes = parsed
        } else if index + 2 <= bytes.count {
            guard let parsed = number(2) else { return nil }
            offsetMinutes = parsed
        }
        guard index == bytes.count, offsetMinutes < 60 else { return nil }
        seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
        return Date(timeIntervalSince1970: seconds)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
    static func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// (year, month, day) → days since 1970-01-01.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let monthPrime = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthPrime + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

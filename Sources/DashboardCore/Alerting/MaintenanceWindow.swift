import FoundationEssentials

/// A recurring weekly maintenance window in UTC, written `"sun 02:00-04:00"`
/// (`daily 22:00-23:30` for every day; an end before the start runs past midnight).
/// While one is active a server's alerts still open and resolve but are not notified
/// (docs/notifications.md, "Silences and maintenance windows").
public struct MaintenanceWindow: Sendable, Equatable, CustomStringConvertible {
    /// The weekday it starts on, 1 = Sunday … 7 = Saturday; `nil` for every day.
    public var weekday: Int?
    /// Minutes after midnight UTC when it starts.
    public var startMinute: Int
    /// Its length in minutes (1 … 1,440).
    public var lengthMinutes: Int

    private static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses `"sun 02:00-04:00"` or `"daily 02:00-04:00"`; `nil` when the text is not of that form.
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let day = String(parts[0].prefix(3))
        if parts[0] == "daily" || parts[0] == "*" {
            weekday = nil
        } else if let index = Self.dayNames.firstIndex(of: day), Self.fullDayName(index).hasPrefix(parts[0]), parts[0].count >= 3 {
            weekday = index + 1
        } else {
            return nil
        }
        let times = parts[1].split(separator: "-")
        guard times.count == 2, let start = Self.minute(times[0]), let end = Self.minute(times[1]), start != end else { return nil }
        startMinute = start
        lengthMinutes = end > start ? end - start : 1440 - start + end
    }

    private static func fullDayName(_ index: Int) -> String {
        ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][index]
    }

    private static func minute(_ text: Substring) -> Int? {
        let pieces = text.split(separator: ":")
        guard pieces.count == 2, pieces[0].count <= 2, pieces[1].count == 2,
            let hour = Int(pieces[0]), let minute = Int(pieces[1]),
            (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440
        else { return nil }
        return hour * 60 + minute
    }

    /// The window as written in the inventory, normalised: `sun 02:00-04:00`.
    public var description: String {
        let day = weekday.map { Self.dayNames[$0 - 1] } ?? "daily"
        let end = (startMinute + lengthMinutes) % 1440
        return "\(day) \(Self.clock(startMinute))-\(Self.clock(end))"
    }

    private static func clock(_ minute: Int) -> String {
        let hour = minute / 60
        let rest = minute % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    /// When the occurrence covering `date` ends, or `nil` when the window is not active at `date`.
    public func activeUntil(at date: Date) -> Date? {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let dayStart = seconds - ((seconds % 86_400) + 86_400) % 86_400
        // 1970-01-01 was a Thursday (weekday 5).
        for daysBack in 0...1 {
            let start = dayStart - daysBack * 86_400 + startMinute * 60
            let day = ((start / 86_400 + 4) % 7 + 7) % 7 + 1
            if let weekday, weekday != day { continue }
            let end = start + lengthMinutes * 60
            if seconds >= start && seconds < end { return Date(timeIntervalSince1970: TimeInterval(end)) }
        }
        return nil
    }
}

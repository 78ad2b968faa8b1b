import DashboardCore
import FoundationEssentials

/// A validated history window: `[from, to)` in buckets of `step` seconds.
///
/// Defaults: the last 24 hours, and a step that gives at most about 300 buckets, chosen
/// from 1, 5, 15, 30 minutes, 1, 3, 6, 12 hours and 1 day.
public struct HistoryWindow: Sendable, Equatable {
    /// The first instant of the window.
    public var from: Date
    /// The end of the window (not included).
    public var to: Date
    /// The bucket width in seconds.
    public var step: Int

    /// The longest window one request may ask for.
    public static let maximumSpan: TimeInterval = 400 * 86_400
    /// No window starts before the Unix epoch (PostgreSQL has no year 0, and no sample is older).
    public static let earliest = Date(timeIntervalSince1970: 0)
    /// Nor ends after the last instant an ISO-8601 timestamp of four-digit years can name.
    public static let latest = Date(timeIntervalSince1970: 253_402_300_799)
    /// The most buckets one request may produce.
    public static let maximumBuckets = 10_000
    /// The default steps, in seconds, shortest first.
    public static let niceSteps = [60, 300, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400]

    /// Reads `from`, `to` and `step` (60…604,800 s), applying the defaults, or says which
    /// parameter is wrong (400).
    public init(_ parameters: QueryParameters, now: Date = Date()) throws(APIError) {
        let (from, to) = try Self.range(parameters, now: now, defaultSpan: 86_400, defaultSpanName: "24 hours")
        let span = to.timeIntervalSince(from)
        let step = try parameters.integer("step", in: 60...604_800) ?? Self.defaultStep(span: span)
        guard span / Double(step) <= Double(Self.maximumBuckets) else {
            throw .badParameter("step", "too small for this window: it would make more than \(Self.maximumBuckets) buckets")
        }
        self.from = from
        self.to = to
        self.step = step
    }

    /// Reads `from` and `to` alone, as the history does: `to` defaults to `now`, `from` to
    /// `defaultSpan` seconds (`defaultSpanName` in the error) before `to`; the window must be
    /// ordered, between the epoch and year 9999, and at most 400 days long (else 400).
    public static func range(
        _ parameters: QueryParameters, now: Date, defaultSpan: TimeInterval, defaultSpanName: String
    ) throws(APIError) -> (from: Date, to: Date) {
        let to = try parameters.timestamp("to") ?? now
        let from = try parameters.timestamp("from") ?? to.addingTimeInterval(-defaultSpan)
        guard from < to else {
            throw .badParameter("from", "must be earlier than 'to'")
        }
        guard to <= latest else {
            throw .badParameter("to", "must be at or before 9999-12-31T23:59:59Z")
        }
        guard from >= earliest else {
            throw .badParameter("from", "the window must start at or after 1970-01-01T00:00:00Z (without 'from' it starts \(defaultSpanName) before 'to')")
        }
        guard to.timeIntervalSince(from) <= maximumSpan else {
            throw .badParameter("from", "the window may span at most 400 days")
        }
        return (from, to)
    }

    /// The shortest of `niceSteps` giving at most 300 buckets over `span` seconds.
    public static func defaultStep(span: TimeInterval) -> Int {
        niceSteps.first { span / Double($0) <= 300 } ?? 86_400
    }
}

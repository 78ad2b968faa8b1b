import FoundationEssentials

/// Where one filesystem's use is heading: the least-squares trend of used bytes over a
/// window of samples and, when it is filling, when it will be full.
///
/// Every number is finite; what cannot be known is `null` in JSON, never NaN or Infinity.
public struct FilesystemForecast: Sendable, Equatable, Codable {
    /// The direction of use.
    public enum Trend: String, Sendable, Equatable, Codable {
        /// Growing by more than the stable threshold.
        case filling
        /// Changing by less than the stable threshold either way.
        case stable
        /// Falling by more than the stable threshold.
        case shrinking
        /// Fewer than three distinct instants or under an hour between first and last.
        case insufficientData = "insufficient_data"
    }

    /// Where the filesystem is mounted, e.g. `/`.
    public var mountPoint: String
    /// The size at the latest sample; `nil` without samples.
    public var sizeBytes: Int64?
    /// The used bytes at the latest sample; `nil` without samples.
    public var usedBytes: Int64?
    /// Latest used / size × 100; `nil` without samples or for a size of 0. Can exceed 100.
    public var usedPercent: Double?
    /// Whether use is growing, flat or falling, or `insufficient_data` when no line was fitted.
    public var trend: Trend
    /// The fitted slope in bytes per day (negative when shrinking); `nil` when data is insufficient.
    public var growthBytesPerDay: Double?
    /// Days from `now` until used reaches size at the fitted rate (0 when already full);
    /// `nil` unless filling, or when the size is 0.
    public var daysUntilFull: Double?
    /// When used reaches size (the latest sample's time when already full); `nil` unless filling,
    /// or when the size is 0.
    public var fullAt: Date?
    /// Distinct instants the fit used (duplicates merged, invalid points dropped).
    public var samples: Int
    /// The first and the last instant of the fit; `nil` without samples.
    public var windowStart: Date?
    /// The last instant of the fit; `nil` without samples.
    public var windowEnd: Date?
    /// The fit's coefficient of determination in 0…1 (1 for perfectly flat use);
    /// `nil` when data is insufficient. Low values mean a noisy trend.
    public var rSquared: Double?

    /// Creates a forecast.
    public init(
        mountPoint: String, sizeBytes: Int64?, usedBytes: Int64?, usedPercent: Double?, trend: Trend,
        growthBytesPerDay: Double?, daysUntilFull: Double?, fullAt: Date?, samples: Int,
        windowStart: Date?, windowEnd: Date?, rSquared: Double?
    ) {
        self.mountPoint = mountPoint
        self.sizeBytes = sizeBytes
        self.usedBytes = usedBytes
        self.usedPercent = usedPercent
        self.trend = trend
        self.growthBytesPerDay = growthBytesPerDay
        self.daysUntilFull = daysUntilFull
        self.fullAt = fullAt
        self.samples = samples
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.rSquared = rSquared
    }

    enum CodingKeys: String, CodingKey {
        case mountPoint = "mount_point"
        case sizeBytes = "size_bytes"
        case usedBytes = "used_bytes"
        case usedPercent = "used_percent"
        case trend
        case growthBytesPerDay = "growth_bytes_per_day"
        case daysUntilFull = "days_until_full"
        case fullAt = "full_at"
        case samples
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case rSquared = "r_squared"
    }

    /// Encodes every key, unknown values as `null`, so clients see one shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mountPoint, forKey: .mountPoint)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(usedBytes, forKey: .usedBytes)
        try container.encode(usedPercent, forKey: .usedPercent)
        try container.encode(trend, forKey: .trend)
        try container.encode(growthBytesPerDay, forKey: .growthBytesPerDay)
        try container.encode(daysUntilFull, forKey: .daysUntilFull)
        try container.encode(fullAt, forKey: .fullAt)
        try container.encode(samples, forKey: .samples)
        try container.encode(windowStart, forKey: .windowStart)
        try container.encode(windowEnd, forKey: .windowEnd)
        try container.encode(rSquared, forKey: .rSquared)
    }
}

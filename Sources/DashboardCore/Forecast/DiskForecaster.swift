import FoundationEssentials

/// Forecasts when a filesystem fills, from its recent used-bytes samples.
///
/// Fits used bytes against time by ordinary least squares over all the given points
/// (the caller chooses the window, e.g. the last 7 days) and classifies the slope:
/// growth within ±max(1 MiB, 0.01 % of the size) per day is `stable`. A noisy series is
/// still classified by its slope; `r_squared` says how well the line fits. All arithmetic
/// is in Double, so byte counts near `Int64.max` cannot overflow.
public enum DiskForecaster {
    /// One sample of a filesystem: when, how much was used, how big it was.
    public struct Point: Sendable, Equatable {
        /// When the sample was collected.
        public var time: Date
        /// Bytes in use at that time.
        public var usedBytes: Int64
        /// The filesystem's size in bytes at that time.
        public var sizeBytes: Int64

        /// Creates a point.
        public init(time: Date, usedBytes: Int64, sizeBytes: Int64) {
            self.time = time
            self.usedBytes = usedBytes
            self.sizeBytes = sizeBytes
        }
    }

    /// The fewest distinct instants a trend is fitted to.
    public static let minimumSamples = 3
    /// The shortest span, first to last instant, a trend is fitted to.
    public static let minimumSpan: TimeInterval = 3600
    /// Growth below this many bytes per day (or below `stableFractionPerDay` of the size) is stable.
    public static let stableBytesPerDay: Double = 1_048_576
    /// Growth below this fraction of the size per day (or below `stableBytesPerDay`) is stable.
    public static let stableFractionPerDay = 0.0001

    /// Forecasts one filesystem from its points, in any order; `days_until_full` counts from `now`.
    ///
    /// Points with a negative size or used figure or a non-finite time are dropped; points
    /// at the same instant are merged (mean used, largest size). The latest point gives
    /// `size_bytes`, `used_bytes` and `used_percent`.
    public static func forecast(mountPoint: String, points: [Point], now: Date) -> FilesystemForecast {
        let series = merged(points)
        guard let first = series.first, let latest = series.last else {
            return FilesystemForecast(
                mountPoint: mountPoint, sizeBytes: nil, usedBytes: nil, usedPercent: nil, trend: .insufficientData,
                growthBytesPerDay: nil, daysUntilFull: nil, fullAt: nil, samples: 0, windowStart: nil, windowEnd: nil, rSquared: nil
            )
        }
        let size = Double(latest.sizeBytes)
        let used = latest.used
        var forecast = FilesystemForecast(
            mountPoint: mountPoint, sizeBytes: latest.sizeBytes, usedBytes: latest.usedBytes,
            usedPercent: size > 0 ? finite(used / size * 100) : nil, trend: .insufficientData,
            growthBytesPerDay: nil, daysUntilFull: nil, fullAt: nil, samples: series.count,
            windowStart: Date(timeIntervalSince1970: first.time), windowEnd: Date(timeIntervalSince1970: latest.time), rSquared: nil
        )
        guard series.count >= minimumSamples, latest.time - first.time >= minimumSpan,
            let fit = leastSquares(series)
        else {
            return forecast
        }
        let growthPerDay = fit.slope * 86_400
        guard growthPerDay.isFinite else { return forecast }
        forecast.growthBytesPerDay = growthPerDay
        forecast.rSquared = fit.rSquared
        let threshold = max(stableBytesPerDay, stableFractionPerDay * max(size, 0))
        if growthPerDay > threshold {
            forecast.trend = .filling
        } else if growthPerDay < -threshold {
            forecast.trend = .shrinking
        } else {
            forecast.trend = .stable
        }
        guard forecast.trend == .filling, size > 0 else { return forecast }
        let daysFromLatest = max(0, (size - used) / growthPerDay)
        let fullAtSeconds = latest.time + daysFromLatest * 86_400
        if let days = finite(max(0, (fullAtSeconds - now.timeIntervalSince1970) / 86_400)) {
            forecast.daysUntilFull = days
        }
        // The stable threshold bounds this: at most (size / max(1 MiB, 0.01 % of size)) ≤ 10,240 days.
        if fullAtSeconds.isFinite {
            forecast.fullAt = Date(timeIntervalSince1970: fullAtSeconds)
        }
        return forecast
    }

    /// One instant of the cleaned series: seconds since the epoch, mean used, size.
    private struct Instant {
        var time: Double
        var used: Double
        var usedBytes: Int64
        var sizeBytes: Int64
    }

    /// Valid points, one per instant, sorted by time.
    private static func merged(_ points: [Point]) -> [Instant] {
        var groups: [Double: [Point]] = [:]
        for point in points where point.time.timeIntervalSince1970.isFinite && point.usedBytes >= 0 && point.sizeBytes >= 0 {
            groups[point.time.timeIntervalSince1970, default: []].append(point)
        }
        return groups.map { time, group in
            let size = group.map(\.sizeBytes).max() ?? 0
            let usedValues = group.map(\.usedBytes)
            if usedValues.allSatisfy({ $0 == usedValues[0] }) {
                return Instant(time: time, used: Double(usedValues[0]), usedBytes: usedValues[0], sizeBytes: size)
            }
            let mean = usedValues.reduce(0.0) { $0 + Double($1) } / Double(usedValues.count)
            // The mean lies between the smallest and largest value, so it fits an Int64 except
            // where Double rounds up to 2^63 at the very top.
            let exact = mean >= 9.223_372_036_854_775_807e18 ? Int64.max : Int64(mean.rounded())
            return Instant(time: time, used: mean, usedBytes: exact, sizeBytes: size)
        }
        .sorted { $0.time < $1.time }
    }

    /// The slope (bytes per second) and R² of used against time, or `nil` if not finite.
    private static func leastSquares(_ series: [Instant]) -> (slope: Double, rSquared: Double)? {
        let count = Double(series.count)
        let meanTime = series.reduce(0.0) { $0 + $1.time } / count
        let meanUsed = series.reduce(0.0) { $0 + $1.used } / count
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for instant in series {
            // Centred on the means, so epoch-sized times lose no precision.
            let dt = instant.time - meanTime
            let dy = instant.used - meanUsed
            sxx += dt * dt
            sxy += dt * dy
            syy += dy * dy
        }
        guard sxx > 0, sxx.isFinite, sxy.isFinite, syy.isFinite else { return nil }
        let slope = sxy / sxx
        let rSquared: Double
        if syy == 0 {
            rSquared = 1  // perfectly flat: the horizontal line fits exactly
        } else {
            let r = sxy / (sxx.squareRoot() * syy.squareRoot())
            rSquared = min(1, max(0, r * r))
        }
        guard slope.isFinite, rSquared.isFinite else { return nil }
        return (slope, rSquared)
    }

    private static func finite(_ value: Double) -> Double? {
        value.isFinite ? value : nil
    }
}

import Foundation
import Testing

@testable import DashboardCore

@Suite struct DiskForecastTests {
    static let gib: Int64 = 1 << 30
    static let start = Date(timeIntervalSince1970: 1_764_000_000)

    /// Hourly points over `days`, used = `used(hour)`.
    static func hourly(days: Int, size: Int64, used: (Int) -> Int64) -> [DiskForecaster.Point] {
        (0...(days * 24)).map { hour in
            DiskForecaster.Point(time: start.addingTimeInterval(Double(hour) * 3600), usedBytes: used(hour), sizeBytes: size)
        }
    }

    static func end(days: Int) -> Date {
        start.addingTimeInterval(Double(days) * 86_400)
    }

    @Test func fillingFilesystemPredictsWhenFull() throws {
        // 100 GiB, 40 GiB used, growing 1 GiB a day for 7 days → 47 GiB used, 53 days left.
        let points = Self.hourly(days: 7, size: 100 * Self.gib) { 40 * Self.gib + Int64($0) * Self.gib / 24 }
        let forecast = DiskForecaster.forecast(mountPoint: "/var", points: points, now: Self.end(days: 7))
        #expect(forecast.mountPoint == "/var")
        #expect(forecast.trend == .filling)
        #expect(forecast.samples == 169)
        #expect(forecast.sizeBytes == 100 * Self.gib)
        #expect(forecast.usedBytes == 47 * Self.gib)
        #expect(forecast.usedPercent == 47)
        let growth = try #require(forecast.growthBytesPerDay)
        #expect(abs(growth - Double(Self.gib)) < 1024, "\(growth)")
        let days = try #require(forecast.daysUntilFull)
        #expect(abs(days - 53) < 0.001, "\(days)")
        let fullAt = try #require(forecast.fullAt)
        #expect(abs(fullAt.timeIntervalSince(Self.end(days: 60))) < 120)
        #expect(try #require(forecast.rSquared) > 0.999_999)
        #expect(forecast.windowStart == Self.start)
        #expect(forecast.windowEnd == Self.end(days: 7))
    }

    @Test func daysUntilFullCountFromNow() throws {
        let points = Self.hourly(days: 7, size: 100 * Self.gib) { 40 * Self.gib + Int64($0) * Self.gib / 24 }
        let stale = DiskForecaster.forecast(mountPoint: "/", points: points, now: Self.end(days: 9))
        #expect(abs(try #require(stale.daysUntilFull) - 51) < 0.001, "two days after the last sample")
        #expect(abs(try #require(stale.fullAt).timeIntervalSince(Self.end(days: 60))) < 120, "full_at does not move")
        let late = DiskForecaster.forecast(mountPoint: "/", points: points, now: Self.end(days: 90))
        #expect(late.daysUntilFull == 0, "past the predicted date: 0, never negative")
    }

    @Test func flatUseIsStable() {
        let points = Self.hourly(days: 3, size: 100 * Self.gib) { _ in 30 * Self.gib }
        let forecast = DiskForecaster.forecast(mountPoint: "/", points: points, now: Self.end(days: 3))
        #expect(forecast.trend == .stable)
        #expect(forecast.growthBytesPerDay == 0)
        #expect(forecast.daysUntilFull == nil)
        #expect(forecast.fullAt == nil)
        #expect(forecast.rSquared == 1)
        #expect(forecast.usedPercent == 30)
    }

    @Test func shrinkingUse() throws {
        let points = Self.hourly(days: 5, size: 100 * Self.gib) { 80 * Self.gib - Int64($0) * 2 * Self.gib / 24 }
        let forecast = DiskForecaster.forecast(mountPoint: "/", points: points, now: Self.end(days: 5))
        #expect(forecast.trend == .shrinking)
        #expect(abs(try #require(forecast.growthBytesPerDay) + 2 * Double(Self.gib)) < 1024)
        #expect(forecast.daysUntilFull == nil)
        #expect(forecast.fullAt == nil)
    }

    @Test func noisyButFilling() throws {
        // 1 GiB a day with ±1 GiB of deterministic noise (log rotation, temp files).
        var state: UInt64 = 42
        let points = Self.hourly(days: 14, size: 500 * Self.gib) { hour in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Int64(state >> 33) % (2 * Self.gib) - Self.gib
            return 100 * Self.gib + Int64(hour) * Self.gib / 24 + noise
        }
        let forecast = DiskForecaster.forecast(mountPoint: "/data", points: points, now: Self.end(days: 14))
        #expect(forecast.trend == .filling)
        let growth = try #require(forecast.growthBytesPerDay)
        #expect(abs(growth - Double(Self.gib)) < 0.1 * Double(Self.gib), "\(growth)")
        let rSquared = try #require(forecast.rSquared)
        #expect(rSquared > 0.5 && rSquared < 0.99, "noise lowers the fit: \(rSquared)")
        #expect(try #require(forecast.daysUntilFull) > 300)
    }

    @Test func growthUnderTheThresholdIsStable() throws {
        // 512 KiB a day on a small disk: under 1 MiB a day.
        let small = Self.hourly(days: 4, size: 8 * Self.gib) { 4 * Self.gib + Int64($0) * 512 * 1024 / 24 }
        let smallForecast = DiskForecaster.forecast(mountPoint: "/boot", points: small, now: Self.end(days: 4))
        #expect(smallForecast.trend == .stable)
        #expect(abs(try #require(smallForecast.growthBytesPerDay) - 524_288) < 1)
        #expect(smallForecast.daysUntilFull == nil)
        // 500 MiB a day on 10 TiB: under 0.01 % of the size (~1 GiB) a day.
        let big = Self.hourly(days: 4, size: 10_240 * Self.gib) { 5_000 * Self.gib + Int64($0) * 500 * 1_048_576 / 24 }
        #expect(DiskForecaster.forecast(mountPoint: "/srv", points: big, now: Self.end(days: 4)).trend == .stable)
        // 2 MiB a day on the small disk is filling.
        let growing = Self.hourly(days: 4, size: 8 * Self.gib) { 4 * Self.gib + Int64($0) * 2 * 1_048_576 / 24 }
        #expect(DiskForecaster.forecast(mountPoint: "/boot", points: growing, now: Self.end(days: 4)).trend == .filling)
    }

    @Test func tooFewPointsOrTooShortASpanIsInsufficient() {
        let two = Self.hourly(days: 1, size: 100 * Self.gib) { Int64($0) * Self.gib }.prefix(2)
        let twoForecast = DiskForecaster.forecast(mountPoint: "/", points: Array(two), now: Self.start)
        #expect(twoForecast.trend == .insufficientData)
        #expect(twoForecast.samples == 2)
        #expect(twoForecast.growthBytesPerDay == nil && twoForecast.rSquared == nil && twoForecast.daysUntilFull == nil)
        #expect(twoForecast.usedBytes == Self.gib, "the latest figures are still reported")

        let halfHour = (0..<30).map {
            DiskForecaster.Point(time: Self.start.addingTimeInterval(Double($0) * 60), usedBytes: Int64($0) * Self.gib, sizeBytes: 100 * Self.gib)
        }
        let shortForecast = DiskForecaster.forecast(mountPoint: "/", points: halfHour, now: Self.start)
        #expect(shortForecast.trend == .insufficientData)
        #expect(shortForecast.samples == 30)

        let exactlyAnHour = [0.0, 1800, 3600].map {
            DiskForecaster.Point(time: Self.start.addingTimeInterval($0), usedBytes: Int64($0) * 1_000_000, sizeBytes: 100 * Self.gib)
        }
        #expect(DiskForecaster.forecast(mountPoint: "/", points: exactlyAnHour, now: Self.start).trend == .filling)
    }

    @Test func unsortedDuplicatedPointsGiveTheSameForecast() {
        let points = Self.hourly(days: 2, size: 100 * Self.gib) { 10 * Self.gib + Int64($0) * Self.gib / 10 }
        let clean = DiskForecaster.forecast(mountPoint: "/", points: points, now: Self.end(days: 2))
        var generator = SystemRandomNumberGenerator()
        let messy = (points + points + points.prefix(5)).shuffled(using: &generator)
        #expect(DiskForecaster.forecast(mountPoint: "/", points: messy, now: Self.end(days: 2)) == clean)
    }

    @Test func pointsAtTheSameInstantAreMerged() {
        let t = Self.start
        let points = [
            DiskForecaster.Point(time: t.addingTimeInterval(7200), usedBytes: 300, sizeBytes: 1000),
            DiskForecaster.Point(time: t.addingTimeInterval(7200), usedBytes: 500, sizeBytes: 2000),
            DiskForecaster.Point(time: t, usedBytes: 100, sizeBytes: 1000),
            DiskForecaster.Point(time: t.addingTimeInterval(3600), usedBytes: 200, sizeBytes: 1000),
        ]
        let forecast = DiskForecaster.forecast(mountPoint: "/", points: points, now: t)
        #expect(forecast.samples == 3)
        #expect(forecast.usedBytes == 400, "mean of the two latest")
        #expect(forecast.sizeBytes == 2000, "largest size at that instant")
        #expect(forecast.usedPercent == 20)
        #expect(forecast.trend == .stable, "150 bytes a day is nothing")
    }

    @Test func emptyAndSingleInstantInputs() {
        let empty = DiskForecaster.forecast(mountPoint: "/", points: [], now: Self.start)
        #expect(
            empty
                == FilesystemForecast(
                    mountPoint: "/", sizeBytes: nil, usedBytes: nil, usedPercent: nil, trend: .insufficientData, growthBytesPerDay: nil,
                    daysUntilFull: nil, fullAt: nil, samples: 0, windowStart: nil, windowEnd: nil, rSquared: nil
                ))
        let sameInstant = (1...10).map { DiskForecaster.Point(time: Self.start, usedBytes: Int64($0) * Self.gib, sizeBytes: 100 * Self.gib) }
        let forecast = DiskForecaster.forecast(mountPoint: "/", points: sameInstant, now: Self.start)
        #expect(forecast.trend == .insufficientData)
        #expect(forecast.samples == 1)
        #expect(forecast.windowStart == forecast.windowEnd)
        #expect(forecast.usedBytes == 5 * Self.gib + Self.gib / 2)
    }

    @Test func sizeZeroHasNoPercentAndNoFullDate() {
        let points = Self.hourly(days: 2, size: 0) { Int64($0) * Self.gib }
        let forecast = DiskForecaster.forecast(mountPoint: "/proc-like", points: points, now: Self.end(days: 2))
        #expect(forecast.usedPercent == nil)
        #expect(forecast.trend == .filling)
        #expect(forecast.daysUntilFull == nil && forecast.fullAt == nil)
    }

    @Test func usedAboveSizeIsAlreadyFull() throws {
        let points = Self.hourly(days: 2, size: 10 * Self.gib) { 11 * Self.gib + Int64($0) * Self.gib / 24 }
        let forecast = DiskForecaster.forecast(mountPoint: "/", points: points, now: Self.end(days: 2))
        #expect(forecast.trend == .filling)
        #expect(forecast.daysUntilFull == 0)
        #expect(forecast.fullAt == Self.end(days: 2), "full since the latest sample at least")
        #expect(try #require(forecast.usedPercent) == 130)
    }

    @Test func hugeByteCountsDoNotOverflow() throws {
        let points = Self.hourly(days: 2, size: .max) { hour in .max - Int64(48 - hour) * (Int64.max / 100) }
        let forecast = DiskForecaster.forecast(mountPoint: "/huge", points: points, now: Self.end(days: 2))
        #expect(forecast.trend == .filling)
        #expect(forecast.usedBytes == .max)
        #expect(forecast.daysUntilFull == 0)
        let growth = try #require(forecast.growthBytesPerDay)
        #expect(abs(growth / (Double(Int64.max) / 100 * 24) - 1) < 1e-9)

        let merged = [
            DiskForecaster.Point(time: Self.start, usedBytes: .max, sizeBytes: .max),
            DiskForecaster.Point(time: Self.start, usedBytes: .max - 1, sizeBytes: .max),
        ]
        #expect(DiskForecaster.forecast(mountPoint: "/", points: merged, now: Self.start).usedBytes == .max)
    }

    @Test func invalidPointsAreDropped() {
        let valid = Self.hourly(days: 1, size: 100 * Self.gib) { _ in Self.gib }
        let invalid = [
            DiskForecaster.Point(time: Self.start.addingTimeInterval(-3600), usedBytes: -1, sizeBytes: 100 * Self.gib),
            DiskForecaster.Point(time: Self.start.addingTimeInterval(-7200), usedBytes: 1, sizeBytes: -5),
            DiskForecaster.Point(time: Date(timeIntervalSince1970: .infinity), usedBytes: 99 * Self.gib, sizeBytes: 100 * Self.gib),
            DiskForecaster.Point(time: Date(timeIntervalSince1970: .nan), usedBytes: 99 * Self.gib, sizeBytes: 100 * Self.gib),
        ]
        let forecast = DiskForecaster.forecast(mountPoint: "/", points: valid + invalid, now: Self.end(days: 1))
        #expect(forecast == DiskForecaster.forecast(mountPoint: "/", points: valid, now: Self.end(days: 1)))
        #expect(forecast.samples == 25)
    }

    @Test func absurdTimesGiveNoTrendRatherThanNaN() {
        let points = [-1e300, 0, 1e300].map { DiskForecaster.Point(time: Date(timeIntervalSince1970: $0), usedBytes: 1, sizeBytes: 10) }
        let forecast = DiskForecaster.forecast(mountPoint: "/", points: points, now: Self.start)
        #expect(forecast.trend == .insufficientData)
        #expect(forecast.growthBytesPerDay == nil && forecast.rSquared == nil)
    }

    @Test func encodesSnakeCaseKeysWithExplicitNulls() throws {
        let points = Self.hourly(days: 7, size: 100 * Self.gib) { 40 * Self.gib + Int64($0) * Self.gib / 24 }
        let forecast = DiskForecaster.forecast(mountPoint: "/var", points: points, now: Self.end(days: 7))
        let data = try DashboardJSON.makeEncoder().encode(forecast)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "mount_point", "size_bytes", "used_bytes", "used_percent", "trend", "growth_bytes_per_day", "days_until_full",
                "full_at", "samples", "window_start", "window_end", "r_squared",
            ])
        #expect(object["trend"] as? String == "filling")
        #expect(object["window_start"] as? String == "2025-11-24T16:00:00.000Z")
        #expect(object["size_bytes"] as? Int64 == 100 * Self.gib)
        #expect(
            try DashboardJSON.makeDecoder().decode(FilesystemForecast.self, from: data).fullAt.map { abs($0.timeIntervalSince(forecast.fullAt!)) < 0.001 }
                == true)

        let empty = DiskForecaster.forecast(mountPoint: "/x", points: [], now: Self.start)
        let emptyText = String(decoding: try DashboardJSON.makeEncoder().encode(empty), as: UTF8.self)
        #expect(
            emptyText
                == #"{"days_until_full":null,"full_at":null,"growth_bytes_per_day":null,"mount_point":"/x","r_squared":null,"samples":0,"size_bytes":null,"trend":"insufficient_data","used_bytes":null,"used_percent":null,"window_end":null,"window_start":null}"#
        )
        #expect(try DashboardJSON.makeDecoder().decode(FilesystemForecast.self, from: Data(emptyText.utf8)) == empty)
    }

    @Test func degenerateInputsNeverEncodeNaNOrInfinity() throws {
        let cases: [[DiskForecaster.Point]] = [
            [],
            Self.hourly(days: 2, size: 0) { _ in 0 },
            Self.hourly(days: 2, size: 0) { Int64($0) },
            Self.hourly(days: 2, size: .max) { _ in .max },
            Self.hourly(days: 2, size: 1) { $0.isMultiple(of: 2) ? 0 : .max },
            Self.hourly(days: 2, size: .max) { Int64($0) },
            (0..<5).map { _ in DiskForecaster.Point(time: Self.start, usedBytes: 0, sizeBytes: 0) },
            [-1e300, 0, 1e300].map { DiskForecaster.Point(time: Date(timeIntervalSince1970: $0), usedBytes: .max, sizeBytes: 1) },
        ]
        for points in cases {
            for now in [Self.start, Date(timeIntervalSince1970: 0), Date.distantFuture] {
                let forecast = DiskForecaster.forecast(mountPoint: "/", points: points, now: now)
                for value in [forecast.usedPercent, forecast.growthBytesPerDay, forecast.daysUntilFull, forecast.rSquared] {
                    #expect(value?.isFinite ?? true)
                }
                let text = String(decoding: try DashboardJSON.makeEncoder().encode(forecast), as: UTF8.self)
                #expect(!text.contains("NaN") && !text.contains("Infinity"), "\(text)")
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Monotonic nanoseconds, unaffected by wall-clock changes.
enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// The time between two readings of `now()`.
    static func duration(from start: UInt64, to end: UInt64) -> Duration {
        .nanoseconds(Int64(end &- start))
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at the representable range.
    var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64.max / 2 }
        return whole &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// The duration in seconds for messages: `2 s`, `0.5 s`.
    var secondsText: String {
        let milliseconds = Int(nanosecondsClamped / 1_000_000)
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }
}

/// A point in monotonic time after which work must stop.
struct Deadline {
    /// Monotonic nanoseconds of the deadline.
    let instant: UInt64

    /// The deadline `duration` after `start`.
    init(after duration: Duration, from start: UInt64 = MonotonicClock.now()) {
        instant = start &+ duration.nanosecondsClamped
    }

    private init(instant: UInt64) { self.instant = instant }

    /// Whichever of the two deadlines comes first.
    static func earliest(_ a: Deadline, _ b: Deadline) -> Deadline {
        Deadline(instant: min(a.instant, b.instant))
    }

    /// Nanoseconds left, 0 once passed.
    var remainingNanoseconds: UInt64 {
        let now = MonotonicClock.now()
        return instant > now ? instant - now : 0
    }

    /// Whether the deadline is reached.
    var hasPassed: Bool { MonotonicClock.now() >= instant }

    /// Milliseconds left for `poll()`, rounded up so a wait never ends early; 0 once passed,
    /// at most `cap`.
    func pollTimeout(cap: Int32) -> Int32 {
        let now = MonotonicClock.now()
        guard instant > now else { return 0 }
        let milliseconds = (instant - now + 999_999) / 1_000_000
        return Int32(min(UInt64(cap), milliseconds))
    }
}

import Foundation

/// The process's CPU time: what the timings report, since on a shared 2-core machine wall
/// time also counts the moments other processes held the cores (the reference measures the
/// same way, with Python's `time.process_time`).
enum CPUTime {
    /// CPU seconds used by the process so far.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The CPU seconds `work` took.
    static func measure(_ work: () -> Void) -> Double {
        let started = now()
        work()
        return now() - started
    }
}

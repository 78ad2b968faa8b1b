import Foundation
import Testing

@testable import DashboardCore

/// The split of CPU time (user, system, I/O wait, steal) from the two `/proc/stat` lines of
/// the `cpu` section (docs/probe-format.md, "CPU time split").
@Suite struct ProbeParserCPUTimeTests {
    /// The four figures of the split, in the order user, system, iowait, steal.
    static func split(_ report: ProbeReport) -> [Double?] {
        [report.sample[.cpuUserPercent], report.sample[.cpuSystemPercent], report.sample[.cpuIowaitPercent], report.sample[.cpuStealPercent]]
    }

    /// Parses a minimal document whose cpu section holds `body`.
    static func parse(cpu body: String) -> ProbeReport {
        ProbeFixtures.parse(ProbeFixtures.minimal(cpu: body))
    }

    @Test func everyColumnGoesToItsShare() {
        // Δ user 30, nice 10, system 20, idle 100, iowait 10, irq 5, softirq 5, steal 20 (guest 7 is inside user): total 200.
        let report = Self.parse(cpu: "cores=4\ncpu  1000 50 400 9000 300 10 20 5 100 0\ncpu  1030 60 420 9100 310 15 25 25 107 0")
        #expect(Self.split(report) == [20, 15, 5, 10])
        // Busy = total − idle − iowait = user + system + steal.
        #expect(report.sample.cpuPercent == 45)
        #expect(ProbeFixtures.problems(report, "cpu").isEmpty)
    }

    @Test(arguments: [
        // 2.4: user nice system idle. Δ 30, 0, 10, 60: only user can be told.
        ("cpu  100 0 50 1000\ncpu  130 0 60 1060", [30, nil, nil, nil] as [Double?]),
        // 2.5.41: + iowait. Δ 30, 0, 10, 50, 10.
        ("cpu  100 0 50 1000 5\ncpu  130 0 60 1050 15", [30, nil, 10, nil]),
        // 2.6.0–2.6.10: + irq softirq. Δ 30, 0, 10, 50, 0, 5, 5: no steal column.
        ("cpu  100 0 50 1000 5 0 0\ncpu  130 0 60 1050 5 5 5", [30, 20, 0, nil]),
        // 2.6.11+: + steal. Δ 30, 0, 10, 40, 0, 5, 5, 10.
        ("cpu  100 0 50 1000 5 0 0 0\ncpu  130 0 60 1040 5 5 5 10", [30, 20, 0, 10]),
    ])
    func aColumnTheKernelDoesNotPrintLeavesItsFigureNil(lines: String, expected: [Double?]) {
        let report = Self.parse(cpu: "cores=1\n" + lines)
        #expect(Self.split(report) == expected)
        #expect(ProbeFixtures.problems(report, "cpu").isEmpty)
    }

    @Test func aCounterThatWentBackwardsCountsAsZero() {
        // iowait drops by 5 (NO_HZ kernels): Δ user 40, idle 40, iowait → 0, steal 20, total 100.
        let report = Self.parse(cpu: "cores=1\ncpu  100 0 0 500 50 0 0 0 0 0\ncpu  140 0 0 540 45 0 0 20 0 0")
        #expect(Self.split(report) == [40, 0, 0, 20])
        #expect(report.sample.cpuPercent == 60)
    }

    @Test func sharesNeverPassAHundredOnHugeCounters() {
        // Δ user 2^62 of a total 2^62 + 1: the share rounds to 100, no further.
        let report = Self.parse(cpu: "cores=1\ncpu  0 0 0 0 0 0 0 0\ncpu  4611686018427387904 0 0 1 0 0 0 0")
        #expect(report.sample[.cpuUserPercent] == 100)
        #expect(report.sample[.cpuSystemPercent] == 0)
    }

    @Test(arguments: [
        // One line, no time passed, different columns, too large to add up, unreadable columns.
        "cores=2\ncpu  1 1 1 1 1 1 1 1 0 0",
        "cores=2\ncpu  1 1 1 1 1 1 1 1 0 0\ncpu  1 1 1 1 1 1 1 1 0 0",
        "cores=2\ncpu  1 1 1 1 1 1 1\ncpu  2 2 2 2 2 2 2 2 0 0",
        "cores=1\ncpu  0 0 0 0\ncpu  9223372036854775807 9223372036854775807 0 0",
        "cores=2\ncpu  1 x 1 1 1 1 1 1\ncpu  2 -2 2 2 2 2 2 2",
        "error=cannot read /proc/stat",
    ])
    func whenUtilisationCannotBeWorkedOutNeitherCanTheSplit(body: String) {
        let report = ProbeFixtures.parse(ProbeFixtures.document(["cpu": body]))
        #expect(report.sample.cpuPercent == nil)
        #expect(Self.split(report) == [nil, nil, nil, nil])
        #expect(!ProbeFixtures.problems(report, "cpu").isEmpty)
    }

    @Test func garbageLinesAroundTheTwoSamplesAreReportedAndSkipped() {
        let report = Self.parse(
            cpu: "cores=2\nintr 12345\ncpu0 9 9 9 9\ncpu  10 0 10 80 0 0 0 0 0 0\n\u{1B}[2Jcpu\ncpu  20 0 20 140 0 0 0 20 0 0\ncpu  99 99 99 99")
        // Δ user 10, system 10, idle 60, steal 20.
        #expect(Self.split(report) == [10, 10, 0, 20])
        #expect(
            ProbeFixtures.problems(report, "cpu") == [
                "unexpected line: \"intr 12345\"", "unexpected line: \"[2Jcpu\"", "1 cpu line(s) after the first two were ignored",
            ])
    }

    @Test func anAbsentCPUSectionLeavesTheSplitNil() {
        let report = ProbeFixtures.parse(ProbeFixtures.document(["load": "0.10 0.20 0.30 1/10 100"]))
        #expect(Self.split(report) == [nil, nil, nil, nil])
        #expect(ProbeFixtures.problems(report, "output").first?.contains("cpu") == true)
    }

    @Test func anOversizedSectionStillGivesTheSplit() {
        // 100,000 per-core lines and a cpu line of 6,000 bytes (cut to 4096; its first ten columns are kept).
        let perCore = String(repeating: "cpu7 1 2 3 4 5 6 7 8 9 10\n", count: 100_000)
        let long = "cpu  100 0 100 800 0 0 0 0 0 0" + String(repeating: " 1", count: 3000)
        let report = Self.parse(cpu: "cores=2\n" + perCore + long + "\ncpu  150 0 150 900 0 0 0 0 0 0")
        #expect(Self.split(report) == [25, 25, 0, 0])
        #expect(ProbeFixtures.problems(report, "cpu").count == 1)
        #expect(ProbeFixtures.problems(report, "cpu").first?.hasPrefix("a line of 6030 bytes was cut to 4096") == true)
    }
}

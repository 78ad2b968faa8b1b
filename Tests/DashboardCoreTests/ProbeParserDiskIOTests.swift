import Foundation
import ProbeInvariants
import Testing

@testable import DashboardCore

/// The `diskio` section: two readings of the whole block devices' sector counters and the
/// uptime, turned into read and write rates (docs/probe-format.md).
@Suite struct ProbeParserDiskIOTests {
    /// Parses a minimal document whose diskio section holds `body`.
    static func parse(_ body: String) -> ProbeReport {
        ProbeFixtures.parse(ProbeFixtures.minimal(diskio: body))
    }

    /// Read and write rates, in that order.
    static func rates(_ report: ProbeReport) -> [Double?] {
        [report.sample[.diskReadBytesPerSecond], report.sample[.diskWriteBytesPerSecond]]
    }

    /// The rates of `read` and `written` sectors of 512 bytes over `seconds`.
    static func rates(read: Double, written: Double, seconds: Double = 1) -> [Double?] {
        [read * 512 / seconds, written * 512 / seconds]
    }

    @Test func ratesAreSectorsTimes512OverTheUptimeBetweenReadings() {
        // Δ 0.5 s; sda Δ 100 read, 400 written; nvme0n1 Δ 1000 read, 0 written.
        let report = Self.parse(
            "uptime=100.00\nsda 1000 2000\nnvme0n1 50000 80000\nuptime=100.50\nsda 1100 2400\nnvme0n1 51000 80000")
        #expect(Self.rates(report) == Self.rates(read: 1100, written: 400, seconds: 0.5))
        #expect(ProbeFixtures.problems(report, "diskio").isEmpty)
    }

    @Test func theMinimalDocumentHasRates() {
        let report = ProbeFixtures.parse(ProbeFixtures.minimal())
        #expect(Self.rates(report) == [102_400, 409_600])
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    @Test func anIdleDiskGivesZeroNotNil() {
        let report = Self.parse("uptime=5.25\nvda 7 9\nuptime=5.75\nvda 7 9")
        #expect(Self.rates(report) == [0, 0])
    }

    @Test func countersAbove2To53StayExactInTheirDifference() {
        // Δ 8 and 16 sectors on counters near Int64.max, over 0.25 s.
        let report = Self.parse("uptime=1.00\nsdb 9223372036854775799 9223372036854775791\nuptime=1.25\nsdb 9223372036854775807 9223372036854775807")
        #expect(Self.rates(report) == Self.rates(read: 8, written: 16, seconds: 0.25))
    }

    @Test func onlyDevicesInBothReadingsCount() {
        // sdb appears, sdc goes away: neither has a rate; sda alone counts.
        let report = Self.parse("uptime=10.00\nsda 0 0\nsdc 0 0\nuptime=11.00\nsda 512 1024\nsdb 99999 99999")
        #expect(Self.rates(report) == Self.rates(read: 512, written: 1024))
        #expect(ProbeFixtures.problems(report, "diskio").isEmpty)
    }

    @Test func aCounterThatWentDownGivesNoRateForThatDevice() {
        // sdb's read counter went down (a 32-bit kernel's wrap, a replaced device): its reads are left out, its writes count.
        let report = Self.parse("uptime=10.00\nsda 100 100\nsdb 5000 100\nuptime=10.50\nsda 200 300\nsdb 10 200")
        #expect(Self.rates(report) == Self.rates(read: 100, written: 300, seconds: 0.5))
        #expect(ProbeFixtures.problems(report, "diskio") == ["the sectors read of \"sdb\" went down; that device gives no read rate"])
    }

    @Test func whenEveryCounterWentDownThereIsNoRate() {
        let report = Self.parse("uptime=10.00\nsda 100 100\nuptime=10.50\nsda 99 100")
        #expect(Self.rates(report) == [nil, 0])
        #expect(ProbeFixtures.problems(report, "diskio") == ["the sectors read of \"sda\" went down; that device gives no read rate"])
    }

    @Test(arguments: [
        ("uptime=100.00\nsda 1 1\nuptime=100.00\nsda 2 2", "the uptime did not advance between the two readings (100.0 s, then 100.0 s)"),
        ("uptime=100.50\nsda 1 1\nuptime=100.00\nsda 2 2", "the uptime did not advance between the two readings (100.5 s, then 100.0 s)"),
        ("uptime=100.00\nsda 1 1", "disk rates need two readings, found 1"),
        ("sda 1 1\nsda 2 2", "disk rates need two readings, found 0"),
        ("uptime=1.00\nuptime=2.00", "no whole block device was listed"),
        ("uptime=1.00\nsda 1 1\nuptime=2.00\nsdb 2 2", "no block device appears in both readings"),
    ])
    func noRateWhenTheReadingsCannotBeCompared(body: String, lastProblem: String) {
        let report = Self.parse(body)
        #expect(Self.rates(report) == [nil, nil])
        #expect(ProbeFixtures.problems(report, "diskio").last == lastProblem)
    }

    @Test func garbageLinesAreReportedAndSkipped() {
        let body = """
            sda 1 1
            uptime=20.00
            sda 1000 1000
            sdb 1000
            sdc 1 2 3
            sdd x 5
            sde -1 5
            sdf 99999999999999999999 5
            sda 0 0
            \u{1B}[31m
            uptime=21.00
            sda 2000 3000
            uptime=22.00
            sda 0 0
            """
        let report = Self.parse(body)
        #expect(Self.rates(report) == Self.rates(read: 1000, written: 2000))
        #expect(
            ProbeFixtures.problems(report, "diskio") == [
                "a row before the first uptime= line was ignored: \"sda 1 1\"",
                "expected device sectors_read sectors_written, got \"sdb 1000\"",
                "expected device sectors_read sectors_written, got \"sdc 1 2 3\"",
                "a sector count of \"sdd\" is not a number: \"sdd x 5\"",
                "a sector count of \"sde\" is negative: \"sde -1 5\"",
                "a sector count of \"sdf\" is too large: \"sdf 99999999999999999999 5\"",
                "a second row for \"sda\" in one reading was ignored",
                "expected device sectors_read sectors_written, got \"[31m\"",
                "1 reading(s) after the first two were ignored",
            ])
    }

    @Test(arguments: ["uptime=nan", "uptime=", "uptime=-5.00", "uptime=1e3"])
    func anUnreadableUptimeLeavesTheRatesOut(uptime: String) {
        let report = Self.parse("\(uptime)\nsda 1 1\nuptime=2.00\nsda 2 2")
        #expect(Self.rates(report) == [nil, nil])
        #expect(ProbeFixtures.problems(report, "diskio").count == 1)
        #expect(ProbeFixtures.problems(report, "diskio").first?.hasPrefix("the uptime of reading 1 ") == true)
    }

    @Test(arguments: [
        "cannot read /sys/block", "cannot read /proc/uptime", "cannot read /proc/diskstats", "reading /proc failed three times",
    ])
    func anErrorFromTheProbeIsReported(error: String) {
        let report = Self.parse("error=\(error)")
        #expect(Self.rates(report) == [nil, nil])
        #expect(ProbeFixtures.problems(report, "diskio") == ["the probe could not read this: \"\(error)\"", "disk rates need two readings, found 0"])
        // The rest of the sample is unaffected.
        #expect(report.isUsable)
        #expect(report.sample.cpuPercent == 50)
    }

    @Test func theProbeCapIsReportedAndTheCountedDevicesStillGiveRates() {
        let report = Self.parse("error=more than 256 block devices; 3 more are not counted\nuptime=1.00\nsda 0 0\nuptime=1.50\nsda 1 1")
        #expect(Self.rates(report) == [1024, 1024])
        #expect(ProbeFixtures.problems(report, "diskio") == ["the probe could not read this: \"more than 256 block devices; 3 more are not counted\""])
    }

    @Test func anAbsentSectionLeavesTheRatesNilAndIsNamed() {
        let text = ProbeFixtures.minimal().replacingOccurrences(of: "@@sd:diskio\n", with: "@@sd:future-diskio\n")
        let report = ProbeFixtures.parse(text)
        #expect(Self.rates(report) == [nil, nil])
        #expect(ProbeFixtures.problems(report, "output") == ["sections missing: diskio"])
        #expect(report.isUsable)
    }

    @Test func atMost256DevicesAreReadPerReading() {
        let first = (0..<300).map { "sd\($0) 0 0" }.joined(separator: "\n")
        let second = (0..<300).map { "sd\($0) 1 2" }.joined(separator: "\n")
        let report = Self.parse("uptime=1.00\n\(first)\nuptime=2.00\n\(second)")
        #expect(Self.rates(report) == Self.rates(read: 256, written: 512))
        #expect(
            ProbeFixtures.problems(report, "diskio") == [
                "reading 1 has more than 256 devices; 44 more were dropped", "reading 2 has more than 256 devices; 44 more were dropped",
            ])
    }

    @Test func anOversizedSectionFinishesWithBoundedProblems() {
        // 200,000 garbage rows and a 10,000-byte device name: the rates still come from the two good rows.
        let garbage = String(repeating: "not a row at all\n", count: 200_000)
        let report = Self.parse("uptime=1.00\nsda 0 0\n\(garbage)\(String(repeating: "x", count: 10_000)) 1 1\nuptime=2.00\nsda 4 8")
        #expect(Self.rates(report) == Self.rates(read: 4, written: 8))
        let problems = ProbeFixtures.problems(report, "diskio")
        #expect(problems.count == ProbeParser.maximumProblemsPerSection + 1)
        #expect(problems.last == "199982 more problem(s) in this section not listed")
        #expect(ProbeInvariants.violation(in: report) == nil)
    }
}

import Foundation
import ProbeInvariants
import Testing

@testable import DashboardCore

/// The parser's limits (docs/probe-format.md): past each one the rest is dropped and a problem says so.
@Suite struct ProbeParserLimitTests {
    @Test func outputPastFourMebibytesIsDropped() {
        let filler = String(repeating: String(repeating: "x", count: 99) + "\n", count: 50_000)  // 5,000,000 bytes
        let text = ProbeFixtures.minimal(extra: ["future-section": filler])
        #expect(text.utf8.count > ProbeParser.maximumOutputBytes)
        let report = ProbeFixtures.parse(text)
        #expect(!report.isComplete)
        #expect(report.isUsable)
        #expect(report.sample.cpuPercent == 50)
        #expect(report.sample.users.count == 1)
        // The filler line the limit cuts through, shown as at most 48 bytes.
        let cutLine = Array(text.utf8.prefix(ProbeParser.maximumOutputBytes)).split(separator: 0x0A, omittingEmptySubsequences: false).last ?? []
        let shown = String(repeating: "x", count: min(48, cutLine.count)) + (cutLine.count > 48 ? "…" : "")
        #expect(
            ProbeFixtures.problems(report, "output") == [
                "the output is larger than 4 MiB; the rest was dropped",
                "the output ends in the middle of a line; that line was dropped: \"\(shown)\"",
                "the output stops before @@sd:end, so it was cut short; what came before is kept",
            ])
    }

    @Test func outputOfExactlyFourMebibytesIsKept() {
        let head = ProbeFixtures.minimal(end: false) + "@@sd:future-section\n"
        let tail = "@@sd:end\n"
        let lineCount = (ProbeParser.maximumOutputBytes - head.utf8.count - tail.utf8.count) / 100
        var text = head + String(repeating: String(repeating: "y", count: 99) + "\n", count: lineCount)
        text += String(repeating: "z", count: ProbeParser.maximumOutputBytes - text.utf8.count - tail.utf8.count - 1) + "\n" + tail
        #expect(text.utf8.count == ProbeParser.maximumOutputBytes)
        let report = ProbeFixtures.parse(text)
        #expect(report.isComplete)
        #expect(report.problems.isEmpty, "\(report.problems.prefix(3))")
    }

    @Test func aLineLongerThan4096BytesIsCut() {
        let process = String(repeating: "p", count: 10_000)
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(users: "alice\t1.00\t2.00\t3\t\(process)"))
        let alice = report.sample.users.first
        #expect(alice?.username == "alice")
        #expect(alice?.processCount == 3)
        #expect(alice?.topProcess == String(repeating: "p", count: HostText.defaultMaximumBytes))
        #expect(
            ProbeFixtures.problems(report, "users") == [
                "a line of 10018 bytes was cut to 4096: \"alice1.002.003\(String(repeating: "p", count: 34))…\"",
                "the top process of \"alice\" was longer than 255 bytes and was cut: \"\(String(repeating: "p", count: 48))…\"",
            ])
    }

    @Test func atMost1000UsersAreKept() {
        let rows = (0..<1500).map { "user\($0)\t\($0 % 100).00\t1.00\t1\tsh" }.joined(separator: "\n")
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(users: rows))
        #expect(report.sample.users.count == ProbeParser.maximumUsers)
        // The first 1,000 rows are the ones kept, then sorted.
        #expect(Set(report.sample.users.map(\.username)) == Set((0..<1000).map { "user\($0)" }))
        #expect(report.sample.users.first?.cpuPercent == 99)
        #expect(ProbeFixtures.problems(report, "users") == ["more than 1000 users; 500 more were dropped"])
    }

    @Test func atMost500FilesystemsAreKept() {
        let rows = (0..<600).map { "/dev/vd\($0) 1000 500 500 50% /mnt/disk\($0)" }.joined(separator: "\n")
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(df: "Filesystem 1024-blocks Used Available Capacity Mounted on\n" + rows))
        #expect(report.sample.filesystems.count == ProbeParser.maximumFilesystems)
        #expect(report.sample.filesystems.last?.mountPoint == "/mnt/disk499")
        #expect(ProbeFixtures.problems(report, "df") == ["more than 500 filesystems; 100 more were dropped"])
    }

    @Test func atMost4096InterfacesAreRead() {
        let rows = (0..<5000).map { "eth\($0): 1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0" }.joined(separator: "\n")
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(network: rows))
        #expect(report.sample.networkReceiveBytes == 4096)
        #expect(report.sample.networkTransmitBytes == 8192)
        #expect(ProbeFixtures.problems(report, "network") == ["more than 4096 interfaces; 904 more were dropped"])
    }

    @Test func atMost20ProblemsAreListedPerSection() {
        let rows = (0..<100).map { "bad row \($0)" }.joined(separator: "\n")
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(users: rows))
        let users = ProbeFixtures.problems(report, "users")
        #expect(users.count == ProbeParser.maximumProblemsPerSection + 1)
        #expect(users.first == "expected user<TAB>cpu<TAB>mem<TAB>processes<TAB>top_process, got \"bad row 0\"")
        #expect(users.last == "80 more problem(s) in this section not listed")
    }

    /// Outputs built to be slow to read; named, as swift-testing describes every argument.
    static func pathological(_ name: String) -> [UInt8] {
        switch name {
        case "newlines": Array(repeating: 0x0A, count: 4 << 20)
        case "one endless line": Array(repeating: UInt8(ascii: "a"), count: 4 << 20)
        case "blank lines in a section": Array("@@sd:begin version=1\n@@sd:users\n".utf8) + Array(String(repeating: " \n", count: 2 << 20).utf8)
        case "repeated markers": Array(String(repeating: "@@sd:cpu\n", count: 400_000).utf8)
        case "error lines": Array(("@@sd:begin version=1\n@@sd:df\n" + String(repeating: "error=x\n", count: 500_000)).utf8)
        case "one mount point mounted 150,000 times":
            Array(
                ("@@sd:begin version=1\n@@sd:mounts\n" + String(repeating: "/dev/sda1 / ext4 rw 0 0\n", count: 150_000)
                    + "@@sd:df\n/dev/sda1 1 1 1 1% /\n@@sd:end\n").utf8)
        case "NUL bytes": Array(repeating: 0, count: 4 << 20)
        default: []
        }
    }

    @Test(arguments: [
        "newlines", "one endless line", "blank lines in a section", "repeated markers", "error lines",
        "one mount point mounted 150,000 times", "NUL bytes",
    ])
    func pathologicalOutputsFinish(_ name: String) {
        let report = ProbeParser.parse(Self.pathological(name), collectedAt: ProbeFixtures.collectedAt)
        #expect(!report.problems.isEmpty || report.isComplete)
        #expect(report.problems.count <= ProbeParser.Section.allCases.count * (ProbeParser.maximumProblemsPerSection + 1))
        #expect(ProbeInvariants.violation(in: report) == nil)
    }

    @Test func oneMountPointMountedManyTimesKeepsItsLastType() {
        let report = ProbeParser.parse(Self.pathological("one mount point mounted 150,000 times"), collectedAt: ProbeFixtures.collectedAt)
        #expect(
            report.sample.filesystems == [
                FilesystemUsage(mountPoint: "/", device: "/dev/sda1", fsType: "ext4", sizeBytes: 1024, usedBytes: 1024, availableBytes: 1024)
            ])
    }
}

import Foundation
import Testing

@testable import DashboardCore

/// The parser on complete outputs of real hosts (`Fixtures/`), figure by figure.
///
/// Expected figures are worked out by hand from the fixture text: CPU % from the
/// difference of the two `/proc/stat` lines, bytes as kB × 1024, disk % as df computes it.
@Suite struct ProbeParserTests {
    private let kB: Int64 = 1024

    @Test(arguments: ProbeFixtures.names)
    func everyFixtureIsCompleteAndUsable(_ name: String) throws {
        let report = try ProbeFixtures.report(name)
        #expect(report.formatVersion == 1)
        #expect(report.isComplete)
        #expect(report.isUsable)
        #expect(report.sample.collectedAt == ProbeFixtures.collectedAt)
        #expect(report.sample.filesystems.allSatisfy { $0.fsType != "tmpfs" && $0.fsType != "overlay" && $0.fsType != "squashfs" })
        #expect(report.sample.users.map(\.cpuPercent) == report.sample.users.map(\.cpuPercent).sorted(by: >))
    }

    @Test func debian12() throws {
        let report = try ProbeFixtures.report("debian-12")
        let sample = report.sample
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(sample.osName == "Debian GNU/Linux 12 (bookworm)")
        #expect(sample.kernel == "6.1.0-13-amd64")
        #expect(sample.hostname == "web-01")
        #expect(sample.load1 == 0.52)
        #expect(sample.load5 == 0.58)
        #expect(sample.load15 == 0.59)
        // Δ user 38, system 12, idle 146, iowait 2, softirq 2: total 200, idle 148, busy 52.
        #expect(sample.cpuCores == 4)
        #expect(sample.cpuPercent == 26)
        #expect(sample.memoryTotalBytes == 8_148_216 * kB)
        #expect(sample.memoryAvailableBytes == 5_893_420 * kB)
        #expect(sample.swapTotalBytes == 1_003_516 * kB)
        #expect(sample.swapFreeBytes == 1_003_516 * kB)
        #expect(isClose(sample.ramPercent, Double(8_148_216 - 5_893_420) / 8_148_216 * 100))
        // udev, tmpfs ×4 left out; the root first, in df order.
        #expect(
            sample.filesystems == [
                FilesystemUsage(
                    mountPoint: "/", device: "/dev/vda1", fsType: "ext4", sizeBytes: 30_822_556 * kB, usedBytes: 9_876_544 * kB,
                    availableBytes: 19_352_340 * kB,
                    inodesTotal: 1_966_080, inodesUsed: 412_303),
                FilesystemUsage(
                    mountPoint: "/var/lib/postgresql", device: "/dev/vdb1", fsType: "ext4", sizeBytes: 102_626_232 * kB, usedBytes: 61_247_312 * kB,
                    availableBytes: 36_119_756 * kB, inodesTotal: 6_553_600, inodesUsed: 5_898_240),
                FilesystemUsage(
                    mountPoint: "/boot/efi", device: "/dev/vda15", fsType: "vfat", sizeBytes: 126_678 * kB, usedBytes: 11_840 * kB,
                    availableBytes: 114_838 * kB,
                    inodesTotal: nil, inodesUsed: nil),
            ])
        #expect(isClose(sample.diskPercent, 9_876_544.0 / (9_876_544 + 19_352_340) * 100))
        #expect(sample.loggedUsers == 2)
        #expect(sample.tcpConnections == 17)
        // ens18 only: lo is left out.
        #expect(sample.networkReceiveBytes == 9_283_745_123)
        #expect(sample.networkTransmitBytes == 1_873_451_290)
        #expect(sample.uptimeSeconds == 350_735.47)
        #expect(sample.processCount == 187)
        // By CPU, highest first; www-data and deploy tie at 12.5, so memory decides.
        #expect(
            sample.users == [
                UserActivity(username: "postgres", cpuPercent: 48, memoryPercent: 22.4, processCount: 14, topProcess: "postgres"),
                UserActivity(username: "deploy", cpuPercent: 12.5, memoryPercent: 4, processCount: 2, topProcess: "node", homeBytes: 52_340 * kB),
                UserActivity(username: "www-data", cpuPercent: 12.5, memoryPercent: 3.1, processCount: 9, topProcess: "php-fpm8.2"),
                UserActivity(username: "root", cpuPercent: 3.2, memoryPercent: 1.9, processCount: 96, topProcess: "systemd-journal"),
                UserActivity(username: "alice", cpuPercent: 0, memoryPercent: 0.2, processCount: 3, topProcess: "bash", homeBytes: 1_843_220 * kB),
            ])
    }

    @Test func ubuntu2204() throws {
        let report = try ProbeFixtures.report("ubuntu-22.04")
        let sample = report.sample
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(sample.osName == "Ubuntu 22.04.3 LTS")
        #expect(sample.kernel == "5.15.0-91-generic")
        #expect(sample.hostname == "app-02")
        #expect(sample.load1 == 1.73)
        // Δ user 61, system 9, idle 27, iowait 1, softirq 2: total 100, busy 72.
        #expect(sample.cpuCores == 2)
        #expect(sample.cpuPercent == 72)
        #expect(sample.memoryTotalBytes == 4_000_816 * kB)
        #expect(sample.memoryAvailableBytes == 1_240_112 * kB)
        #expect(sample.swapTotalBytes == 2_097_148 * kB)
        #expect(sample.swapFreeBytes == 1_588_220 * kB)
        #expect(sample.swapUsedBytes == (2_097_148 - 1_588_220) * kB)
        // The snaps (squashfs loop devices at 100 %) and every tmpfs are left out.
        #expect(sample.filesystems.map(\.mountPoint) == ["/", "/boot"])
        #expect(
            sample.filesystems[0]
                == FilesystemUsage(
                    mountPoint: "/", device: "/dev/mapper/ubuntu--vg-ubuntu--lv", fsType: "ext4",
                    sizeBytes: 30_271_428 * kB, usedBytes: 9_817_236 * kB, availableBytes: 18_895_076 * kB, inodesTotal: 1_933_312, inodesUsed: 347_312))
        #expect(isClose(sample.diskPercent, 9_817_236.0 / (9_817_236 + 18_895_076) * 100))
        #expect(sample.networkReceiveBytes == 77_123_455_123)
        #expect(sample.networkTransmitBytes == 5_512_309_876)
        #expect(sample.loggedUsers == 1)
        #expect(sample.tcpConnections == 42)
        #expect(sample.processCount == 143)
        #expect(sample.uptimeSeconds == 1_209_622.04)
        #expect(sample.users.map(\.username) == ["ubuntu", "root", "syslog"])
        #expect(sample.users[0].homeBytes == 2_204_112 * kB)
        #expect(sample.users[1].homeBytes == nil)
    }

    @Test func rocky9() throws {
        let report = try ProbeFixtures.report("rocky-9")
        let sample = report.sample
        // The home scan ran out of time: the one problem, with the sizes it had kept.
        #expect(report.problems == [ProbeProblem(section: "home", message: "measuring home directories ran out of time; some sizes are missing")])
        #expect(sample.osName == "Rocky Linux 9.3 (Blue Onyx)")
        #expect(sample.kernel == "5.14.0-362.8.1.el9_3.x86_64")
        #expect(sample.hostname == "db-03.example.internal")
        #expect(sample.load1 == 6.12)
        #expect(sample.load5 == 5.87)
        #expect(sample.load15 == 5.02)
        // Δ user 250, system 60, idle 70, iowait 12, irq 3, softirq 4, steal 1: total 400, busy 318.
        #expect(sample.cpuCores == 8)
        #expect(sample.cpuPercent == 79.5)
        #expect(sample.memoryTotalBytes == 32_699_020 * kB)
        #expect(sample.memoryAvailableBytes == 3_001_228 * kB)
        #expect(isClose(sample.ramPercent, Double(32_699_020 - 3_001_228) / 32_699_020 * 100))
        // The NFS share and devtmpfs/tmpfs are left out; xfs everywhere else.
        #expect(sample.filesystems.map(\.mountPoint) == ["/", "/boot", "/home", "/var/lib/pgsql"])
        #expect(sample.filesystems.allSatisfy { $0.fsType == "xfs" })
        #expect(
            sample.filesystems[3]
                == FilesystemUsage(
                    mountPoint: "/var/lib/pgsql", device: "/dev/mapper/data-pgdata", fsType: "xfs",
                    sizeBytes: 524_032_000 * kB, usedBytes: 482_109_440 * kB, availableBytes: 41_922_560 * kB, inodesTotal: 262_144_000,
                    inodesUsed: 3_801))
        // The headline is the root, not the fuller /var/lib/pgsql.
        #expect(sample.headlineFilesystem?.mountPoint == "/")
        #expect(isClose(sample.diskPercent, 21_778_112.0 / (21_778_112 + 51_586_368) * 100))
        #expect(sample.networkReceiveBytes == Int64(812_345_678_901 + 5_512_334))
        #expect(sample.networkTransmitBytes == Int64(1_234_567_890_123 + 1_209_873))
        #expect(sample.loggedUsers == 3)
        #expect(sample.tcpConnections == 211)
        #expect(sample.processCount == 402)
        #expect(sample.users.map(\.username) == ["postgres", "root", "backup", "chrony"])
        #expect(sample.users[0].cpuPercent == 312.4)
        #expect(sample.users[1].topProcess == "kworker/u16:2")
        #expect(sample.users.map(\.homeBytes) == [nil, nil, 88_123_340 * kB, nil])
    }

    @Test func centos6WithAKernelBefore3x() throws {
        let report = try ProbeFixtures.report("centos-6")
        let sample = report.sample
        #expect(report.problems.isEmpty, "\(report.problems)")
        // No os-release: the name is /etc/redhat-release's line.
        #expect(sample.osName == "CentOS release 6.5 (Final)")
        #expect(sample.kernel == "2.6.32-431.el6.x86_64")
        #expect(sample.hostname == "legacy-01")
        // 2.6.32 prints 9 columns. Δ user 6, system 2, idle 89, softirq 1: total 98, busy 9.
        #expect(sample.cpuCores == 2)
        #expect(isClose(sample.cpuPercent, 9.0 / 98 * 100))
        // No MemAvailable before 3.14: MemFree + Buffers + Cached.
        #expect(sample.memoryTotalBytes == 3_923_972 * kB)
        #expect(sample.memoryAvailableBytes == (221_340 + 180_212 + 2_012_340) * kB)
        #expect(sample.swapTotalBytes == 4_128_764 * kB)
        #expect(sample.swapFreeBytes == 4_101_220 * kB)
        // rootfs is not in df; the root's type comes from the later /proc/mounts line.
        #expect(sample.filesystems.map(\.mountPoint) == ["/", "/boot", "/home"])
        #expect(
            sample.filesystems[0]
                == FilesystemUsage(
                    mountPoint: "/", device: "/dev/mapper/VolGroup-lv_root", fsType: "ext4",
                    sizeBytes: 51_475_068 * kB, usedBytes: 4_130_284 * kB, availableBytes: 44_723_344 * kB, inodesTotal: 3_276_800,
                    inodesUsed: 152_341))
        #expect(isClose(sample.filesystems[2].usedPercent, 70_112_344.0 / (70_112_344 + 21_784_660) * 100))
        // "  eth0:3365479863 …": no space after the colon on old kernels.
        #expect(sample.networkReceiveBytes == Int64(3_365_479_863 + 123_456))
        #expect(sample.networkTransmitBytes == Int64(2_145_123_099 + 654_321))
        #expect(sample.loggedUsers == 0)
        #expect(sample.tcpConnections == 5)
        #expect(sample.uptimeSeconds == 31_553_612.89)
        #expect(sample.users.map(\.username) == ["apache", "mysql", "root"])
        // No home section: nothing measured, nothing reported.
        #expect(sample.users.allSatisfy { $0.homeBytes == nil })
    }

    @Test func alpine319WithBusyBox() throws {
        let report = try ProbeFixtures.report("alpine-3.19")
        let sample = report.sample
        #expect(report.problems == [ProbeProblem(section: "home", message: "home-directory sizes are not available on this host")])
        #expect(sample.osName == "Alpine Linux v3.19")
        #expect(sample.kernel == "6.6.8-0-lts")
        #expect(sample.hostname == "alpine-gw")
        #expect(sample.load1 == 0)
        #expect(sample.load5 == 0.01)
        // Δ user 3, system 2, idle 45: total 50, busy 5.
        #expect(sample.cpuCores == 1)
        #expect(sample.cpuPercent == 10)
        #expect(sample.memoryTotalBytes == 502_440 * kB)
        #expect(sample.memoryAvailableBytes == 412_332 * kB)
        #expect(sample.swapTotalBytes == 0)
        #expect(sample.swapFreeBytes == 0)
        // BusyBox df -P: devtmpfs, shm and tmpfs left out.
        #expect(
            sample.filesystems == [
                FilesystemUsage(
                    mountPoint: "/", device: "/dev/sda3", fsType: "ext4", sizeBytes: 7_759_872 * kB, usedBytes: 1_345_432 * kB, availableBytes: 6_003_336 * kB,
                    inodesTotal: 489_600, inodesUsed: 41_225),
                FilesystemUsage(
                    mountPoint: "/boot", device: "/dev/sda1", fsType: "ext4", sizeBytes: 277_632 * kB, usedBytes: 30_944 * kB, availableBytes: 226_200 * kB,
                    inodesTotal: 18_432, inodesUsed: 26),
            ])
        #expect(sample.networkReceiveBytes == 88_123_401)
        #expect(sample.networkTransmitBytes == 9_123_402)
        #expect(sample.processCount == 37)
        #expect(sample.users.map(\.username) == ["root", "nginx"])
    }

    @Test func dockerHostWithHostileNames() throws {
        let report = try ProbeFixtures.report("docker-hostile")
        let sample = report.sample
        #expect(sample.hostname == "docker-07")
        // Δ user 126, system 40, idle 21, iowait 1, softirq 12: total 200, busy 178.
        #expect(sample.cpuPercent == 89)
        // Overlay layers and container shm left out; "/mnt/my\040disk" in mounts is "/mnt/my disk" in df.
        #expect(
            sample.filesystems == [
                FilesystemUsage(
                    mountPoint: "/", device: "/dev/sda1", fsType: "ext4", sizeBytes: 61_255_492 * kB, usedBytes: 48_233_412 * kB,
                    availableBytes: 9_880_644 * kB,
                    inodesTotal: 3_907_584, inodesUsed: 3_869_000),
                FilesystemUsage(
                    mountPoint: "/mnt/my disk", device: "/dev/sdb1", fsType: "ext4", sizeBytes: 480_670_004 * kB, usedBytes: 120_167_501 * kB,
                    availableBytes: 336_047_603 * kB, inodesTotal: 30_531_584, inodesUsed: 12_000),
            ])
        #expect(isClose(sample.diskPercent, 48_233_412.0 / (48_233_412 + 9_880_644) * 100))
        // eth0 only: lo, docker0, br-…, veth… left out.
        #expect(sample.networkReceiveBytes == 45_123_399_871)
        #expect(sample.networkTransmitBytes == 9_912_334_412)
        // Names are text, kept verbatim; escaping is the job of whoever shows them.
        #expect(sample.users.map(\.username) == ["mallory", "nobody", "www-data", "root", "999"])
        #expect(sample.users[0].topProcess == "'; DROP TABLE servers; --")
        #expect(sample.users[0].homeBytes == 4096 * kB)
        #expect(sample.users[2].topProcess == "<script>alert(1)</script>")
        #expect(sample.users[2].homeBytes == 128 * kB)
        #expect(sample.users[4].topProcess == "redis-server *:6379")
        // The ESC bytes of "xmrig\e[2J\e[31m" are removed, and that is reported.
        #expect(sample.users[1].topProcess == "xmrig[2J[31m")
        #expect(
            report.problems == [
                ProbeProblem(
                    section: "users",
                    message: "the top process of \"nobody\" had control characters, bidi controls or invalid UTF-8 removed: \"xmrig[2J[31m\""),
                ProbeProblem(
                    section: "topprocs",
                    message: "a command line had control characters, bidi controls or invalid UTF-8 removed: \"bash -c [2J]0;owned echo done\""),
                ProbeProblem(section: "units", message: "a unit name had control characters, bidi controls or invalid UTF-8 removed: \"x[31mred';\""),
                ProbeProblem(
                    section: "containers", message: "a container name had control characters, bidi controls or invalid UTF-8 removed: \"esc]0;pwnedname\""),
            ])
    }

    /// The CPU time split and disk rates of one fixture, worked out by hand from its text.
    struct NewFigures: Sendable, CustomTestStringConvertible {
        let fixture: String
        let user, system, iowait, steal: Double
        let read, written: Double
        var testDescription: String { fixture }
    }

    // CPU: the deltas of the two cpu lines, share = ticks × 100 / total. Disk: Δsectors × 512 / Δuptime,
    // summed over the devices of the diskio section.
    @Test(arguments: [
        // Δ user 38, system 12, iowait 2, softirq 2 of 200; vda+vdb Δ 2024 read, 4096 written sectors in 0.5 s.
        NewFigures(fixture: "debian-12", user: 19, system: 7, iowait: 1, steal: 0, read: 2_072_576, written: 4_194_304),
        // Δ user 61, system 9, iowait 1, softirq 2 of 100; sda Δ 0 read, 880 written.
        NewFigures(fixture: "ubuntu-22.04", user: 61, system: 11, iowait: 1, steal: 0, read: 0, written: 901_120),
        // Δ user 250, system 60, iowait 12, irq 3, softirq 4, steal 1 of 400; sda+sdb Δ 6016 read, 12400 written in 0.52 s.
        NewFigures(
            fixture: "rocky-9", user: 62.5, system: 16.75, iowait: 3, steal: 0.25,
            read: 6016 * 512 / (8_812_341.25 - 8_812_340.73), written: 12_400 * 512 / (8_812_341.25 - 8_812_340.73)),
        // 9 columns (steal, no guest_nice): Δ user 6, system 2, softirq 1 of 98; sda Δ 8 read, 64 written.
        NewFigures(fixture: "centos-6", user: 600.0 / 98, system: 300.0 / 98, iowait: 0, steal: 0, read: 8192, written: 65_536),
        // Δ user 3, system 2 of 50; sda Δ 16 written.
        NewFigures(fixture: "alpine-3.19", user: 6, system: 4, iowait: 0, steal: 0, read: 0, written: 16_384),
        // Δ user 126, system 40, iowait 1, softirq 12 of 200; sda Δ 512 read, 2048 written, sdb 8192 written.
        NewFigures(fixture: "docker-hostile", user: 63, system: 26, iowait: 0.5, steal: 0, read: 524_288, written: 10_485_760),
    ])
    func cpuTimeSplitAndDiskRates(_ expected: NewFigures) throws {
        let sample = try ProbeFixtures.report(expected.fixture).sample
        #expect(sample[.cpuUserPercent] == expected.user)
        #expect(sample[.cpuSystemPercent] == expected.system)
        #expect(sample[.cpuIowaitPercent] == expected.iowait)
        #expect(sample[.cpuStealPercent] == expected.steal)
        // Busy time is user + system + steal: the split adds up to cpu_percent.
        #expect(isClose(sample.cpuPercent, expected.user + expected.system + expected.steal))
        #expect(isClose(sample[.diskReadBytesPerSecond], expected.read))
        #expect(isClose(sample[.diskWriteBytesPerSecond], expected.written))
    }

    @Test(arguments: ProbeFixtures.names)
    func readsTheSameFromAnyCollectionOfBytes(_ name: String) throws {
        let bytes = try ProbeFixtures.bytes(name)
        let expected = ProbeParser.parse(bytes, collectedAt: ProbeFixtures.collectedAt)
        #expect(ProbeParser.parse(Data(bytes), collectedAt: ProbeFixtures.collectedAt) == expected)
        #expect(ProbeParser.parse(bytes[...], collectedAt: ProbeFixtures.collectedAt) == expected)
        #expect(ProbeParser.parse(ContiguousArray(bytes), collectedAt: ProbeFixtures.collectedAt) == expected)
        // Not contiguous: copied first.
        #expect(ProbeParser.parse(bytes.lazy.map { $0 }, collectedAt: ProbeFixtures.collectedAt) == expected)
    }

    @Test(arguments: ProbeFixtures.names)
    func readsWindowsLineEndingsTheSame(_ name: String) throws {
        let bytes = try ProbeFixtures.bytes(name)
        var crlf: [UInt8] = []
        for byte in bytes {
            if byte == 0x0A { crlf.append(0x0D) }
            crlf.append(byte)
        }
        let expected = ProbeParser.parse(bytes, collectedAt: ProbeFixtures.collectedAt)
        #expect(ProbeParser.parse(crlf, collectedAt: ProbeFixtures.collectedAt) == expected)
    }

    // MARK: - The document

    @Test func truncatedOutputKeepsWhatCameBefore() throws {
        let bytes = try ProbeFixtures.bytes("debian-12")
        let text = String(decoding: bytes, as: UTF8.self)
        // Cut in the middle of the third user row: "root\t3.2\t1.9\t96\tsyst".
        let cut = try #require(text.range(of: "root\t3.2\t1.9\t96\tsyst"))
        let report = ProbeFixtures.parse(String(text[..<cut.upperBound]))
        #expect(report.formatVersion == 1)
        #expect(!report.isComplete)
        #expect(report.isUsable)
        #expect(report.sample.cpuPercent == 26)
        #expect(report.sample.memoryTotalBytes == 8_148_216 * kB)
        #expect(report.sample.filesystems.count == 3)
        #expect(report.sample.processCount == 187)
        // The two whole rows are kept, the cut one is not; home never came.
        #expect(report.sample.users.map(\.username) == ["postgres", "www-data"])
        #expect(report.sample.users.allSatisfy { $0.homeBytes == nil })
        #expect(
            ProbeFixtures.problems(report, "users") == [
                "the output ends in the middle of a line; that line was dropped: \"root\t3.2\t1.9\t96\tsyst\"".replacingOccurrences(of: "\t", with: "")
            ])
        #expect(ProbeFixtures.problems(report, "output") == ["the output stops before @@sd:end, so it was cut short; what came before is kept"])
    }

    @Test func outputCutBeforeLaterSectionsNamesThem() throws {
        let text = String(decoding: try ProbeFixtures.bytes("debian-12"), as: UTF8.self)
        let cut = try #require(text.range(of: "@@sd:df\n"))
        let report = ProbeFixtures.parse(String(text[..<cut.lowerBound]))
        #expect(!report.isComplete)
        #expect(report.isUsable)
        #expect(report.sample.filesystems.isEmpty)
        #expect(report.sample.users.isEmpty)
        #expect(
            ProbeFixtures.problems(report, "output") == [
                "the output stops before @@sd:end, so it was cut short; what came before is kept; missing: df, sessions, tcp, network, uptime, processes, users"
            ])
    }

    @Test(arguments: [
        "",
        "Hello, world\n",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        "sh: 1: awk: not found\nsh: 2: df: Permission denied\n",
        "\u{0}\u{0}\u{0}\u{1B}[2J\u{FF}",
        "@@sd:end\n",
        "0.52 0.58 0.59 1/345 12345\nMemTotal: 1000 kB\n",
    ])
    func garbageIsNotUsable(_ text: String) {
        let report = ProbeFixtures.parse(text)
        #expect(!report.isUsable)
        #expect(report.formatVersion == nil)
        #expect(!report.problems.isEmpty)
        #expect(report.sample.load1 == nil)
        #expect(report.sample.memoryTotalBytes == nil)
    }

    @Test func emptyOutputSaysSo() {
        let report = ProbeFixtures.parse("")
        #expect(report.problems == [ProbeProblem(section: "output", message: "the probe printed nothing")])
        #expect(!report.isComplete)
        #expect(!report.isUsable)
    }

    @Test func randomBytesAreNotUsable() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let bytes = (0..<random.below(4000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let report = ProbeParser.parse(bytes, collectedAt: ProbeFixtures.collectedAt)
            #expect(!report.isUsable)
        }
    }

    @Test func errorLinesBecomeProblemsOfTheirSection() {
        let text = ProbeFixtures.document([
            "load": "0.10 0.20 0.30 1/10 100",
            "tcp": "error=cannot read /proc/net/tcp",
            "sessions": "error=who not found",
            "users": "error=no first sample, cpu not measured\nbob\t0.00\t1.50\t2\tsshd",
        ])
        let report = ProbeFixtures.parse(text)
        #expect(ProbeFixtures.problems(report, "tcp") == ["the probe could not read this: \"cannot read /proc/net/tcp\"", "no established= line"])
        #expect(ProbeFixtures.problems(report, "sessions") == ["the probe could not read this: \"who not found\"", "no count= line"])
        #expect(ProbeFixtures.problems(report, "users") == ["the probe could not read this: \"no first sample, cpu not measured\""])
        #expect(report.sample.tcpConnections == nil)
        #expect(report.sample.loggedUsers == nil)
        // The rest of each section still counts.
        #expect(report.sample.users == [UserActivity(username: "bob", cpuPercent: 0, memoryPercent: 1.5, processCount: 2, topProcess: "sshd")])
        #expect(report.sample.load1 == 0.1)
        #expect(report.isUsable)
    }

    @Test func aRepeatedSectionCountsOnceAndIsReported() {
        let text = ProbeFixtures.minimal(extra: [
            "cpu": "cores=64\ncpu  1 1 1 1\ncpu  9 9 9 9",
            "load": "9.99 9.99 9.99 1/1 1",
        ])
        let report = ProbeFixtures.parse(text)
        #expect(report.sample.cpuCores == 2)
        #expect(report.sample.cpuPercent == 50)
        #expect(report.sample.load1 == 0.5)
        #expect(ProbeFixtures.problems(report, "cpu") == ["the section appeared again; the first one counts and the repeat was skipped"])
        #expect(ProbeFixtures.problems(report, "load") == ["the section appeared again; the first one counts and the repeat was skipped"])
        #expect(report.isComplete)
    }

    @Test func anUnknownSectionIsSkippedQuietly() {
        let text = ProbeFixtures.minimal(extra: [
            "gpu": "nvidia0\t98\t12000\nname=Not an OS",
            "temperature": "cpu  1 2 3 4",
        ])
        let report = ProbeFixtures.parse(text)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.sample.osName == "Test Linux")
        #expect(report.sample.cpuPercent == 50)
    }

    @Test func shellNoiseAroundTheDocumentIsIgnoredAndReported() {
        let text = "Welcome to web-01!\nLast login: Mon Nov 24 10:00:00 2025\n" + ProbeFixtures.minimal() + "logout\n"
        let report = ProbeFixtures.parse(text)
        #expect(report.isComplete)
        #expect(report.sample.cpuPercent == 50)
        #expect(
            ProbeFixtures.problems(report, "output") == [
                "ignored 2 line(s) before @@sd:begin (shell start-up output?), starting with \"Welcome to web-01!\"",
                "ignored what followed @@sd:end: \"logout\n\"".replacingOccurrences(of: "\n", with: ""),
            ])
    }

    @Test func linesOutsideAnySectionAreReported() {
        let text = "@@sd:begin version=1\nstray line\n" + ProbeFixtures.minimal().dropFirst("@@sd:begin version=1\n".count)
        let report = ProbeFixtures.parse(String(text))
        #expect(ProbeFixtures.problems(report, "output") == ["ignored 1 line(s) outside any section"])
        #expect(report.isUsable)
    }

    @Test func theBeginMarkerGivesTheVersion() {
        let body = ProbeFixtures.minimal().dropFirst("@@sd:begin version=1\n".count)
        let newer = ProbeFixtures.parse("@@sd:begin version=2 extra=1\n" + body)
        #expect(newer.formatVersion == 2)
        #expect(newer.isUsable)
        #expect(ProbeFixtures.problems(newer, "output") == ["format version 2 is not the version 1 this collector reads; reading what it can"])

        let noVersion = ProbeFixtures.parse("@@sd:begin\n" + body)
        #expect(noVersion.formatVersion == nil)
        #expect(!noVersion.isUsable)
        #expect(ProbeFixtures.problems(noVersion, "output") == ["the begin marker has no version="])

        let huge = ProbeFixtures.parse("@@sd:begin version=99999999999999999999\n" + body)
        #expect(huge.formatVersion == nil)
        #expect(ProbeFixtures.problems(huge, "output") == ["the begin marker's version is too large: \"99999999999999999999\""])

        let none = ProbeFixtures.parse(String(body))
        #expect(none.formatVersion == nil)
        #expect(!none.isUsable)
        #expect(none.sample.cpuPercent == 50, "sections are still read")
        #expect(ProbeFixtures.problems(none, "output") == ["no @@sd:begin marker: this is not probe output, or the probe never started"])

        let twice = ProbeFixtures.parse("@@sd:begin version=1\n" + ProbeFixtures.minimal())
        #expect(twice.formatVersion == 1)
        #expect(ProbeFixtures.problems(twice, "output") == ["a second @@sd:begin marker was ignored"])
    }

    @Test func aCompleteOutputWithoutSomeSectionsNamesThem() {
        let report = ProbeFixtures.parse(ProbeFixtures.document(["load": "1.00 1.00 1.00 1/1 1"]))
        #expect(report.isComplete)
        #expect(report.isUsable)
        #expect(
            ProbeFixtures.problems(report, "output") == [
                "sections missing: os, cpu, diskio, memory, mounts, df, sessions, tcp, network, uptime, processes, users"
            ])
    }

    @Test func aMarkerMustStartTheLine() {
        // A process name cannot forge a marker: it only ever follows a tab.
        let text = ProbeFixtures.minimal(users: "eve\t1.00\t1.00\t1\t@@sd:end\nmallory\t2.00\t1.00\t1\t@@sd:users")
        let report = ProbeFixtures.parse(text)
        #expect(report.isComplete)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.sample.users.map(\.topProcess) == ["@@sd:users", "@@sd:end"])
    }
}

import Foundation
import Testing

@testable import DashboardCore

/// Each section of the probe format on the variations real hosts print, and on broken input.
@Suite struct ProbeParserSectionTests {
    private let kB: Int64 = 1024

    // MARK: - os

    @Test func osNameLosesItsQuotesAndUnknownKeysAreSkipped() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.minimal(os: "name=\"Fedora Linux 39 (Server Edition)\"\nvariant=server\nkernel=6.5.6-300.fc39.x86_64\nhostname=fed"))
        #expect(report.sample.osName == "Fedora Linux 39 (Server Edition)")
        #expect(report.sample.kernel == "6.5.6-300.fc39.x86_64")
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    @Test func hostTextIsCleanedAndTheChangeReported() {
        // Invalid UTF-8 in the hostname, a bidi override in the OS name, NUL in a user name.
        var bytes = Array(ProbeFixtures.minimal(os: "name=Evil \u{202E}xunil\nkernel=6.1\nhostname=caf#", users: "al\u{0}ice\t1.00\t1.00\t1\tbash").utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "#"))!] = 0xE9  // Latin-1 é, not UTF-8
        let report = ProbeParser.parse(bytes, collectedAt: ProbeFixtures.collectedAt)
        #expect(report.sample.osName == "Evil xunil")
        #expect(report.sample.hostname == "caf\u{FFFD}")
        #expect(report.sample.users.first?.username == "alice")
        #expect(
            ProbeFixtures.problems(report, "os") == [
                "the OS name had control characters, bidi controls or invalid UTF-8 removed: \"Evil xunil\"",
                "the hostname had control characters, bidi controls or invalid UTF-8 removed: \"caf\u{FFFD}\"",
            ])
        #expect(ProbeFixtures.problems(report, "users") == ["a user name had control characters, bidi controls or invalid UTF-8 removed: \"alice\""])
    }

    @Test func anOverlongNameIsCutAndReported() {
        let long = String(repeating: "x", count: 300)
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(os: "name=Linux\nhostname=\(long)"))
        #expect(report.sample.hostname == String(repeating: "x", count: 255))
        #expect(ProbeFixtures.problems(report, "os") == ["the hostname was longer than 255 bytes and was cut: \"\(String(repeating: "x", count: 48))…\""])
    }

    @Test func anOSSectionWithNothingUsableIsReported() {
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(os: "garbage\nid=debian"))
        #expect(report.sample.osName == nil)
        #expect(ProbeFixtures.problems(report, "os") == ["expected key=value, got \"garbage\"", "no name, kernel or hostname"])
    }

    // MARK: - load and uptime

    @Test(arguments: [
        ("-1.00 0.50 0.25 1/1 1", "the 1-minute load average is negative: \"-1.00\""),
        ("nan 0.50 0.25 1/1 1", "the 1-minute load average is not a finite number: \"nan\""),
        ("inf 0.50 0.25 1/1 1", "the 1-minute load average is not a finite number: \"inf\""),
        ("1e3 0.50 0.25 1/1 1", "the 1-minute load average is not a number: \"1e3\""),
        ("0,52 0.50 0.25 1/1 1", "the 1-minute load average is not a number: \"0,52\""),
    ])
    func aBadLoadFigureIsLeftOutAndReported(line: String, message: String) {
        let report = ProbeFixtures.parse(ProbeFixtures.document(["load": line]))
        #expect(report.sample.load1 == nil)
        #expect(report.sample.load5 == 0.5)
        #expect(report.sample.load15 == 0.25)
        #expect(ProbeFixtures.problems(report, "load") == [message])
    }

    @Test func aHugeFigureIsStillFinite() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.document(["load": String(repeating: "9", count: 400) + " 0.1 0.1", "uptime": "12345678901234567890.5 1"]))
        #expect(report.sample.load1 == nil)
        #expect(ProbeFixtures.problems(report, "load") == ["the 1-minute load average is too large: \"\(String(repeating: "9", count: 48))…\""])
        // 20 significant digits: read exactly by the slow path.
        #expect(report.sample.uptimeSeconds == 12_345_678_901_234_567_890.5)
    }

    @Test func aShortLoadLineKeepsWhatItHas() {
        let report = ProbeFixtures.parse(ProbeFixtures.document(["load": "0.25", "uptime": "error=no /proc/uptime"]))
        #expect(report.sample.load1 == 0.25)
        #expect(report.sample.load5 == nil)
        #expect(ProbeFixtures.problems(report, "load") == ["the 5-minute load average is missing", "the 15-minute load average is missing"])
        #expect(ProbeFixtures.problems(report, "uptime") == ["the probe could not read this: \"no /proc/uptime\"", "no /proc/uptime line"])
    }

    // MARK: - cpu

    @Test func cpuOfAKernelBefore2611WithFourOrSevenColumns() {
        // 2.4: user nice system idle. Δ 30, 0, 10, 60.
        let four = ProbeFixtures.parse(ProbeFixtures.minimal(cpu: "cores=1\ncpu  100 0 50 1000\ncpu  130 0 60 1060"))
        #expect(four.sample.cpuPercent == 40)
        #expect(ProbeFixtures.problems(four, "cpu").isEmpty)
        // 2.6.0–2.6.10: … iowait irq softirq. Δ 10, 0, 10, 70, 10, 0, 0: busy 20 of 100.
        let seven = ProbeFixtures.parse(ProbeFixtures.minimal(cpu: "cores=1\ncpu  100 0 100 700 50 0 0\ncpu  110 0 110 770 60 0 0"))
        #expect(seven.sample.cpuPercent == 20)
    }

    @Test func guestTimeIsNotCountedTwice() {
        // guest (column 9) is already inside user: Δ user 50 of which guest 50, idle 50.
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(cpu: "cores=1\ncpu  100 0 0 100 0 0 0 0 100 0\ncpu  150 0 0 150 0 0 0 0 150 0"))
        #expect(report.sample.cpuPercent == 50)
    }

    @Test func aCounterThatWentBackwardsCountsAsZero() {
        // iowait drops by 5 (known on NO_HZ kernels): Δ user 40, idle 60, iowait → 0.
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(cpu: "cores=1\ncpu  100 0 0 500 50 0 0 0 0 0\ncpu  140 0 0 560 45 0 0 0 0 0"))
        #expect(report.sample.cpuPercent == 40)
    }

    @Test(arguments: [
        ("cores=2\ncpu  1 1 1 1 1 1 1 1 0 0", ["utilisation needs two readable cpu lines, found 1"]),
        ("cores=2\ncpu  1 1 1 1 1 1 1 1 0 0\ncpu  1 1 1 1 1 1 1 1 0 0", ["no CPU time passed between the two cpu lines"]),
        ("cores=2\ncpu  1 1 1 1 1 1 1\ncpu  2 2 2 2 2 2 2 2 0 0", ["the two cpu lines have different numbers of columns (7 and 10)"]),
        (
            "cores=2\ncpu  1 1 1\ncpu  2 2 2",
            [
                "a /proc/stat line has 3 columns, at least 4 are needed: \"cpu  1 1 1\"",
                "a /proc/stat line has 3 columns, at least 4 are needed: \"cpu  2 2 2\"",
                "utilisation needs two readable cpu lines, found 0",
            ]
        ),
        ("cores=0\ncpu  1 1 1 1\ncpu  2 2 2 2", ["the core count is 0"]),
        ("cores=lots\ncpu  1 1 1 1\ncpu  2 2 2 2", ["the core count is not a number: \"lots\""]),
        ("cpu  1 1 1 1\ncpu  2 2 2 2", ["no cores= line"]),
        (
            "cores=2\ncpu  18446744073709551615 0 0 0\ncpu  2 2 2 2",
            [
                "a /proc/stat column is too large: \"18446744073709551615\"", "utilisation needs two readable cpu lines, found 1",
            ]
        ),
        (
            "cores=2\ncpu  9223372036854775807 9223372036854775807 0 0\ncpu  0 0 0 0\ncpu  1 1 1 1",
            ["1 cpu line(s) after the first two were ignored", "no CPU time passed between the two cpu lines"]
        ),
        ("cores=2\ncpu0 1 1 1 1\ncpu  1 0 0 1\ncpu  2 0 0 2\nintr 12345", ["unexpected line: \"intr 12345\""]),
    ])
    func cpuProblems(body: String, expected: [String]) {
        let report = ProbeFixtures.parse(ProbeFixtures.document(["cpu": body]))
        #expect(ProbeFixtures.problems(report, "cpu") == expected)
        if let cpu = report.sample.cpuPercent { #expect(cpu >= 0 && cpu <= 100) }
    }

    @Test func cpuCountersTooLargeToAddUp() {
        let big = "9223372036854775807"
        let report = ProbeFixtures.parse(ProbeFixtures.document(["cpu": "cores=1\ncpu  0 0 0 0\ncpu  \(big) \(big) 0 0"]))
        #expect(report.sample.cpuPercent == nil)
        #expect(ProbeFixtures.problems(report, "cpu") == ["the cpu counters are too large to add up"])
    }

    // MARK: - memory

    @Test func memoryWithoutMemAvailableAddsFreeBuffersAndCached() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.minimal(memory: "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 20 kB\nCached: 300 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB"))
        #expect(report.sample.memoryTotalBytes == 1000 * kB)
        #expect(report.sample.memoryAvailableBytes == 420 * kB)
        #expect(isClose(report.sample.ramPercent, 58))
        #expect(ProbeFixtures.problems(report, "memory").isEmpty)
    }

    @Test(arguments: [
        ("MemAvailable: 5 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB", ["no readable MemTotal"]),
        ("MemTotal: 0 kB\nMemAvailable: 0 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB", ["MemTotal is 0", "no readable MemTotal"]),
        ("MemTotal: 1000\nMemAvailable: 5 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB", ["MemTotal is not in kB: \" 1000\"", "no readable MemTotal"]),
        ("MemTotal: 1000 MB\nMemAvailable: 5 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB", ["MemTotal is not in kB: \" 1000 MB\"", "no readable MemTotal"]),
        (
            "MemTotal: 99999999999999999999 kB\nMemAvailable: 5 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB",
            ["MemTotal is too large: \"99999999999999999999\"", "no readable MemTotal"]
        ),
        // Fits Int64 as kB, not as bytes.
        (
            "MemTotal: 9007199254740993 kB\nMemAvailable: 5 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB",
            ["MemTotal is too large: \"9007199254740993\"", "no readable MemTotal"]
        ),
        ("MemTotal: -5 kB\nMemAvailable: 5 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB", ["MemTotal is negative: \"-5\"", "no readable MemTotal"]),
        (
            "MemTotal: 1000 kB\nMemFree: 10 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB",
            ["no MemAvailable, and MemFree, Buffers and Cached are not all there to stand in for it"]
        ),
        ("MemTotal: 1000 kB\nMemAvailable: 10 kB", ["no readable SwapTotal and SwapFree"]),
        ("MemTotal 1000 kB\nMemTotal: 1000 kB\nMemAvailable: 10 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB", ["expected \"Key: N kB\", got \"MemTotal 1000 kB\""]),
    ])
    func memoryProblems(body: String, expected: [String]) {
        let report = ProbeFixtures.parse(ProbeFixtures.document(["memory": body]))
        #expect(ProbeFixtures.problems(report, "memory") == expected)
        #expect((report.sample.memoryTotalBytes ?? 1) > 0)
    }

    @Test func theFirstOfARepeatedMeminfoKeyCounts() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.minimal(memory: "MemTotal: 1000 kB\nMemTotal: 2000 kB\nMemAvailable: 500 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB"))
        #expect(report.sample.memoryTotalBytes == 1000 * kB)
    }

    // MARK: - mounts and df

    @Test func dfAnchorsOnTheCapacityColumnSoNamesMayHoldSpaces() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.minimal(
                mounts:
                    "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /srv/a\\040b\\040\\040c ext4 rw 0 0\n/dev/sdc1 /data\\011tab xfs rw 0 0\n/dev/sdd1 /back\\134slash btrfs rw 0 0",
                df: """
                    Filesystem     1024-blocks    Used Available Capacity Mounted on
                    /dev/sda1          1000000  250000    750000      25% /
                    /dev/sdb1             2000    1000      1000      50% /srv/a b  c
                    /dev/sdc1             3000    1500      1500      50% /data\ttab
                    /dev/sdd1             4000    2000      2000      50% /back\\slash
                    """
            ))
        #expect(report.sample.filesystems.map(\.mountPoint) == ["/", "/srv/a b  c", "/datatab", "/back\\slash"])
        #expect(report.sample.filesystems.map(\.fsType) == ["ext4", "ext4", "xfs", "btrfs"])
        // The tab is a control character: removed from the text, and said so.
        #expect(ProbeFixtures.problems(report, "df") == ["a mount point had control characters, bidi controls or invalid UTF-8 removed: \"/datatab\""])
    }

    @Test func dfHeaderGivesTheBlockSize() {
        let df512 = "Filesystem 512-blocks Used Available Capacity Mounted on\n/dev/sda1 2000 1000 1000 50% /"
        #expect(ProbeFixtures.parse(ProbeFixtures.minimal(df: df512)).sample.filesystems.first?.sizeBytes == Int64(2000 * 512))
        let df1K = "Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 2000 1000 1000 50% /"
        #expect(ProbeFixtures.parse(ProbeFixtures.minimal(df: df1K)).sample.filesystems.first?.sizeBytes == 2000 * kB)
        // No header at all: 1024-byte blocks, as -k asks for.
        let noHeader = "/dev/sda1 2000 1000 1000 50% /"
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(df: noHeader))
        #expect(report.sample.filesystems.first?.sizeBytes == 2000 * kB)
        #expect(ProbeFixtures.problems(report, "df").isEmpty)
        let odd = ProbeFixtures.parse(ProbeFixtures.minimal(df: "Dateisystem Größe Benutzt\n/dev/sda1 2000 1000 1000 50% /"))
        #expect(ProbeFixtures.problems(odd, "df") == ["the header does not give the block size; taking 1024-byte blocks: \"Dateisystem Größe Benutzt\""])
    }

    @Test func dfLeavesOutPseudoAndNetworkFilesystemsByTypeOrElseByDevice() {
        // Without a mounts section the device name decides.
        let df = """
            Filesystem 1024-blocks Used Available Capacity Mounted on
            /dev/nvme0n1p2 100 50 50 50% /
            tmpfs 100 0 100 0% /run
            udev 100 0 100 0% /dev
            overlay 100 50 50 50% /var/lib/docker/overlay2/x/merged
            shm 100 0 100 0% /dev/shm
            nas:/export 100 50 50 50% /mnt/nas
            //fileserver/share 100 50 50 50% /mnt/share
            /dev/loop0 100 100 0 100% /snap/core/1
            """
        let withoutMounts = ProbeFixtures.parse(ProbeFixtures.document(["df": df]))
        #expect(withoutMounts.sample.filesystems.map(\.mountPoint) == ["/", "/snap/core/1"])
        #expect(withoutMounts.sample.filesystems.allSatisfy { $0.fsType == nil })
        // With mounts, the type decides: fuse.*, squashfs, nfs4 and cifs are left out, fuseblk is a disk.
        let mounts = """
            /dev/nvme0n1p2 / ext4 rw 0 0
            /dev/loop0 /snap/core/1 squashfs ro 0 0
            sshfs#me@host: /mnt/remote fuse.sshfs rw 0 0
            /dev/sdb1 /media/win fuseblk rw 0 0
            nas:/export /mnt/nas nfs4 rw 0 0
            """
        let withMounts = ProbeFixtures.parse(
            ProbeFixtures.document(["mounts": mounts, "df": df + "\nme@host: 100 50 50 50% /mnt/remote\n/dev/sdb1 100 50 50 50% /media/win"]))
        #expect(withMounts.sample.filesystems.map(\.mountPoint) == ["/", "/media/win"])
        #expect(withMounts.sample.filesystems.map(\.fsType) == ["ext4", "fuseblk"])
    }

    @Test func theLastMountOfAMountPointGivesItsType() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.minimal(
                mounts: "rootfs / rootfs rw 0 0\n/dev/sda1 / ext4 rw 0 0\nsystemd-1 /boot autofs rw 0 0\n/dev/sda2 /boot vfat rw 0 0",
                df: "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 100 50 50 50% /\n/dev/sda2 100 10 90 10% /boot"
            ))
        #expect(report.sample.filesystems.map(\.fsType) == ["ext4", "vfat"])
    }

    @Test func aMountPointListedTwiceIsKeptOnceAsItsLastRow() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.minimal(
                mounts: "/dev/root / ext4 rw 0 0",
                df: "Filesystem 1024-blocks Used Available Capacity Mounted on\nrootfs 100 10 90 10% /\n/dev/sda2 50 5 45 10% /boot\n/dev/root 200 20 180 10% /"
            ))
        #expect(report.sample.filesystems.map(\.mountPoint) == ["/", "/boot"])
        #expect(report.sample.filesystems.first?.device == "/dev/root")
        #expect(report.sample.filesystems.first?.sizeBytes == 200 * kB)
    }

    @Test func dfRowsThatCannotBeReadAreReported() {
        let df = """
            Filesystem 1024-blocks Used Available Capacity Mounted on
            /dev/sda1 100 50 50 50% /
            /dev/sdb1 100 50 50 50%
            /dev/sdc1 - - - - /mnt/c
            /dev/sdd1 100 150 -50 100% /mnt/full
            /dev/sde1 99999999999999999 1 1 1% /mnt/huge
            something else entirely
            """
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(df: df))
        #expect(report.sample.filesystems.map(\.mountPoint) == ["/", "/mnt/full"])
        #expect(report.sample.filesystems.last?.availableBytes == 0)
        #expect(
            ProbeFixtures.problems(report, "df") == [
                "a row could not be read: \"/dev/sdb1 100 50 50 50%\"",
                "df shows no size for \"/mnt/c\"; left out",
                "df shows negative available space for \"/mnt/full\"; taken as 0",
                "the size of \"/mnt/huge\" is too large: \"99999999999999999\"",
                "a row could not be read: \"something else entirely\"",
            ])
    }

    @Test func dfFiguresThatDoNotAddUpWithinInt64AreLeftOut() {
        // Each fits once multiplied by 1024; used + available does not, and FilesystemUsage.usedPercent adds them.
        let df =
            "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 9000000000000000 9000000000000000 9000000000000000 50% /\n/dev/sdb1 100 10 90 10% /data"
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(mounts: "", df: df))
        #expect(report.sample.filesystems.map(\.mountPoint) == ["/data"])
        #expect(report.sample.diskPercent == 10)
        #expect(ProbeFixtures.problems(report, "df") == ["the used and available space of \"/\" are too large to add up"])
    }

    @Test func noLocalFilesystemIsReported() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.minimal(mounts: "tmpfs / tmpfs rw 0 0", df: "Filesystem 1024-blocks Used Available Capacity Mounted on\ntmpfs 100 0 100 0% /"))
        #expect(report.sample.filesystems.isEmpty)
        #expect(report.sample.diskPercent == nil)
        #expect(ProbeFixtures.problems(report, "df") == ["no local filesystem"])
    }

    @Test func aMountsLineThatCannotBeReadIsReported() {
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(mounts: "/dev/sda1 / ext4 rw 0 0\nonly-two fields"))
        #expect(ProbeFixtures.problems(report, "mounts") == ["expected \"device mountpoint type …\", got \"only-two fields\""])
        #expect(report.sample.filesystems.first?.fsType == "ext4")
    }

    // MARK: - network

    @Test func virtualInterfacesAndLoopbackAreLeftOutOfTheSums() {
        var rows = ["Inter-|   Receive |  Transmit", " face |bytes    packets|bytes"]
        for name in ["lo", "veth12ab", "docker0", "br-0a1b2c", "virbr0", "cni0", "flannel.1", "cali1234", "eth0", "wlan0", "bond0"] {
            let real = ["eth0", "wlan0", "bond0"].contains(name)
            rows.append("\(name): \(real ? 1000 : 7) 1 0 0 0 0 0 0 \(real ? 2000 : 9) 1 0 0 0 0 0 0")
        }
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(network: rows.joined(separator: "\n")))
        #expect(report.sample.networkReceiveBytes == 3000)
        #expect(report.sample.networkTransmitBytes == 6000)
        #expect(ProbeFixtures.problems(report, "network").isEmpty)
    }

    @Test func anUnreadableInterfaceLeavesTheSumsOut() {
        let short = ProbeFixtures.parse(ProbeFixtures.minimal(network: "  eth0: 1000 1 0 0 0 0 0\n  eth1: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0"))
        #expect(short.sample.networkReceiveBytes == nil)
        #expect(short.sample.networkTransmitBytes == nil)
        #expect(
            ProbeFixtures.problems(short, "network") == [
                "the row of \"eth0\" is too short: \"  eth0: 1000 1 0 0 0 0 0\"",
                "the sums were left out because an interface could not be read",
            ])
        let overflow = ProbeFixtures.parse(ProbeFixtures.minimal(network: "eth0: 9223372036854775807 0 0 0 0 0 0 0 1 0\neth1: 1 0 0 0 0 0 0 0 1 0"))
        #expect(overflow.sample.networkReceiveBytes == nil)
        #expect(
            ProbeFixtures.problems(overflow, "network") == [
                "the byte counters are too large to add up", "the sums were left out because an interface could not be read",
            ])
        // A broken row of a left-out interface does not matter.
        let ignored = ProbeFixtures.parse(ProbeFixtures.minimal(network: "  eth0: 10 1 0 0 0 0 0 0 20 1 0 0 0 0 0 0\n    lo: garbage"))
        #expect(ignored.sample.networkReceiveBytes == 10)
        #expect(ProbeFixtures.problems(ignored, "network").isEmpty)
    }

    @Test func aNetworkSectionWithoutInterfacesIsReported() {
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(network: "Inter-|   Receive\n face |bytes\nno colon here"))
        #expect(report.sample.networkReceiveBytes == nil)
        #expect(ProbeFixtures.problems(report, "network") == ["expected \"iface: figures\", got \"no colon here\"", "no interface"])
    }

    // MARK: - sessions, tcp, processes

    @Test(
        arguments: [
            ("count=3", 3, [String]()),
            ("count=-3", nil, ["count is negative: \"-3\""]),
            ("count=", nil, ["count is missing: \"\""]),
            ("count=99999999999999999999", nil, ["count is too large: \"99999999999999999999\""]),
            ("users=3", nil, ["expected count=N, got \"users=3\"", "no count= line"]),
            ("count=3\ncount=4", 3, ["count= appeared again; the first one counts"]),
        ] as [(String, Int?, [String])])
    func counts(body: String, expected: Int?, problems: [String]) {
        let report = ProbeFixtures.parse(ProbeFixtures.document(["sessions": body, "processes": body]))
        #expect(report.sample.loggedUsers == expected)
        #expect(report.sample.processCount == expected)
        #expect(ProbeFixtures.problems(report, "sessions") == problems)
    }

    // MARK: - users and home

    @Test func userRowsThatCannotBeReadAreReportedAndSkipped() {
        let users = """
            alice\t10.00\t1.00\t2\tvim
            bob 5.00 1.00 1 bash
            carol\t-1.00\t1.00\t1\tevil
            dave\tNaN\t1.00\t1\tevil
            alice\t50.00\t1.00\t1\tdup
            erin\t2.50\t0.50\t1
            \t1.00\t1.00\t1\tnoname
            frank\t1.00\t1.00\t3\ttop\twith\ttabs
            """
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(users: users))
        #expect(
            report.sample.users == [
                UserActivity(username: "alice", cpuPercent: 10, memoryPercent: 1, processCount: 2, topProcess: "vim"),
                UserActivity(username: "erin", cpuPercent: 2.5, memoryPercent: 0.5, processCount: 1, topProcess: nil),
                UserActivity(username: "frank", cpuPercent: 1, memoryPercent: 1, processCount: 3, topProcess: "topwithtabs"),
            ])
        #expect(
            ProbeFixtures.problems(report, "users") == [
                "expected user<TAB>cpu<TAB>mem<TAB>processes<TAB>top_process, got \"bob 5.00 1.00 1 bash\"",
                "a figure of \"carol\" is negative: \"carol-1.001.001evil\"",
                "a figure of \"dave\" is not a finite number: \"daveNaN1.001evil\"",
                "a second row for \"alice\" was ignored",
                "a row has no user name: \"1.001.001noname\"",
                "the top process of \"frank\" had control characters, bidi controls or invalid UTF-8 removed: \"topwithtabs\"",
            ])
    }

    @Test func homeSizesAttachToUsersWithActivity() {
        let report = ProbeFixtures.parse(
            ProbeFixtures.minimal(
                users: "alice\t1.00\t1.00\t1\tbash\nbob\t2.00\t1.00\t1\tbash",
                extra: ["home": "status=complete\nalice\t100\nnobody-here\t5\nalice\t999\nbob\tlots\nweird line"]
            ))
        #expect(report.sample.users.map(\.username) == ["bob", "alice"])
        #expect(report.sample.users.map(\.homeBytes) == [nil, 100 * kB])
        #expect(
            ProbeFixtures.problems(report, "home") == [
                "a second row for \"alice\" was ignored",
                "the home size of \"bob\" is not a number: \"lots\"",
                "expected user<TAB>kbytes, got \"weird line\"",
            ])
    }

    @Test(arguments: [
        ("status=complete", [String]()),
        ("status=timeout", ["measuring home directories ran out of time; some sizes are missing"]),
        ("status=unavailable", ["home-directory sizes are not available on this host"]),
        ("status=maybe", ["unknown status \"maybe\""]),
        ("status=complete\nstatus=timeout", ["status= appeared again; the first one counts"]),
    ])
    func homeStatus(body: String, expected: [String]) {
        let report = ProbeFixtures.parse(ProbeFixtures.minimal(extra: ["home": body]))
        #expect(ProbeFixtures.problems(report, "home") == expected)
    }
}

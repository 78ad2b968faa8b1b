import Foundation
import Testing

@testable import DashboardCore

/// The sections added for deeper monitoring (docs/probe-format.md: inodes, temperature, topprocs,
/// units, containers), checked against values worked out by hand from the fixtures.
@Suite struct ProbeParserDeeperTests {
    @Test func debianInodesTemperatureUnitsAndProcesses() throws {
        let sample = try ProbeFixtures.report("debian-12").sample
        let pg = try #require(sample.filesystems.first { $0.mountPoint == "/var/lib/postgresql" })
        #expect(pg.inodesTotal == 6_553_600 && pg.inodesUsed == 5_898_240 && pg.inodesPercent == 90)
        let efi = try #require(sample.filesystems.first { $0.mountPoint == "/boot/efi" })
        #expect(efi.inodesTotal == nil && efi.inodesPercent == nil, "vfat reports no inodes")
        #expect(MetricCatalogue.descriptor(.inodesPercent)?.value(in: sample) == 90)
        #expect(sample[.temperatureCelsius] == nil, "absent: a VM without sensors")
        #expect(sample.failedUnits == ["apt-daily.service"])
        #expect(sample.containers == nil)
        let top = try #require(sample.topProcesses)
        #expect(top.count == 5)
        #expect(
            top[0]
                == TopProcess(
                    pid: 1187, user: "postgres", command: "postgres: 16/main: app appdb 10.0.0.12(52144) SELECT", cpuPercent: 41.18, memoryPercent: 3.12))
        #expect(top[4].command == "[ksoftirqd/2]")
    }

    @Test func ubuntuSensorsAndDockerContainers() throws {
        let sample = try ProbeFixtures.report("ubuntu-22.04").sample
        #expect(sample[.temperatureCelsius] == 61.5)
        #expect(sample.failedUnits == [], "systemd with none failed")
        let root = try #require(sample.filesystems.first { $0.mountPoint == "/" })
        #expect(root.inodesUsed == 347_312 && root.inodesTotal == 1_933_312)
        // snaps are not kept by df, so their full inode tables do not count: the highest is / (347312 / 1933312).
        let inodes = try #require(MetricCatalogue.descriptor(.inodesPercent)?.value(in: sample))
        #expect(abs(inodes - 347_312.0 / 1_933_312 * 100) < 1e-9)
        let containers = try #require(sample.containers)
        #expect(containers.map(\.name) == ["web", "db", "migrate", "cron"])
        #expect(
            containers[0]
                == ContainerInfo(
                    name: "web", image: "nginx:1.25", state: "running", status: "Up 3 hours", exitCode: nil, restartCount: 0,
                    cpuPercent: 0.15, memoryBytes: 13_107_200))
        #expect(containers[1].state == "running" && containers[1].memoryBytes == 268_435_456)
        #expect(containers[2].state == "exited" && containers[2].exitCode == 1 && containers[2].cpuPercent == nil)
        #expect(containers[3].state == "restarting" && containers[3].restartCount == 7 && containers[3].exitCode == 137)
        #expect(sample.topProcesses?.map(\.pid) == [3411, 2890, 1])
    }

    @Test func rockyPodmanAndThermalZones() throws {
        let sample = try ProbeFixtures.report("rocky-9").sample
        #expect(sample[.temperatureCelsius] == 52.5)
        #expect(sample.failedUnits == ["kdump.service", "dnf-makecache.service"])
        let containers = try #require(sample.containers)
        #expect(containers.count == 2)
        #expect(containers[0].state == "running" && containers[0].restartCount == 2 && containers[0].memoryBytes == 85_200_000)
        #expect(containers[1].state == "exited" && containers[1].exitCode == 0)
        // the NFS share is not a local filesystem: its 76 % does not count; / has 602118 / 36700160.
        let inodes = try #require(MetricCatalogue.descriptor(.inodesPercent)?.value(in: sample))
        #expect(abs(inodes - 602_118.0 / 36_700_160 * 100) < 1e-9)
        #expect(sample.topProcesses?.first?.cpuPercent == 95)
    }

    @Test func alpineAndCentOSWithoutSystemd() throws {
        let alpine = try ProbeFixtures.report("alpine-3.19").sample
        #expect(alpine.failedUnits == nil && alpine[.temperatureCelsius] == nil)
        #expect(alpine.containers == [ContainerInfo(name: "builder", image: "alpine:3.19", state: "created", status: "Created", exitCode: 0, restartCount: 0)])
        let root = try #require(alpine.filesystems.first { $0.mountPoint == "/" })
        #expect(root.inodesTotal == 489_600 && root.inodesUsed == 41_225, "BusyBox df -i columns")
        let centos = try ProbeFixtures.report("centos-6").sample
        #expect(centos.failedUnits == nil && centos.containers == nil)
        #expect(centos[.temperatureCelsius] == 38)
        let home = try #require(centos.filesystems.first { $0.mountPoint == "/home" })
        #expect(abs((home.inodesPercent ?? 0) - 5_537_000.0 / 6_152_192 * 100) < 1e-9)
        #expect(centos.topProcesses == [TopProcess(pid: 2450, user: "apache", command: "/usr/sbin/httpd", cpuPercent: 8, memoryPercent: 1.2)])
    }

    @Test func hostileNamesAreCleanedAndAbsurdTemperaturesIgnored() throws {
        let report = try ProbeFixtures.report("docker-hostile")
        let sample = report.sample
        #expect(sample[.temperatureCelsius] == 71.25, "-273 °C, the 127 °C sentinel and 999999999 °C are left out")
        #expect(sample.failedUnits == ["<script>alert(1)</script>.service", "x[31mred';"])
        let containers = try #require(sample.containers)
        #expect(containers[0].name == "<img src=x onerror=alert(1)>" && containers[0].image == "evil/'; DROP TABLE servers; --:latest")
        #expect(containers[0].restartCount == 3 && containers[0].memoryBytes == 1_073_741_824)
        #expect(containers[1].name == "esc]0;pwnedname" && containers[1].state == "exited" && containers[1].exitCode == 255)
        let top = try #require(sample.topProcesses)
        #expect(top[1].command == "bash -c [2J]0;owned echo done")
        for text in top.map(\.command) + containers.flatMap({ [$0.name, $0.image, $0.status ?? ""] }) + (sample.failedUnits ?? []) {
            #expect(!text.unicodeScalars.contains { HostText.isUnsafe($0) }, "\(text)")
        }
        let root = try #require(sample.filesystems.first { $0.mountPoint == "/" })
        #expect(root.inodesUsed == 3_869_000)
        #expect(sample.filesystems.first { $0.mountPoint == "/mnt/my disk" }?.inodesTotal == 30_531_584)
    }

    @Test func boundsAndAbsentSections() {
        let long = String(repeating: "a", count: 3000)  // over the 200-byte bound, under the 4096-byte line limit
        var rows = (1...15).map { "\($0)\troot\t\($0).00\t0.00\tcmd \(long)" }.joined(separator: "\n")
        rows += "\nnot a row"
        let report = ProbeFixtures.parse(
            ProbeFixtures.document(["topprocs": rows, "units": "error=systemctl list-units failed", "containers": "error=timeout"]))
        let top = report.sample.topProcesses ?? []
        // The ten busiest of the fifteen rows, busiest first, whatever order they came in.
        #expect(top.map(\.pid) == Array((6...15).reversed()))
        #expect(top.allSatisfy { $0.command.utf8.count <= 200 })
        #expect(report.sample.failedUnits == nil && report.sample.containers == nil)
        #expect(report.problems.contains { $0.section == "topprocs" })
        let units = (1...150).map { "u\($0).service loaded failed failed x" }.joined(separator: "\n")
        let many = ProbeFixtures.parse(ProbeFixtures.document(["units": units, "temperature": "hwmon0/temp1_input abc"]))
        #expect(many.sample.failedUnits?.count == 100)
        #expect(many.sample[.temperatureCelsius] == nil)
        let old = ProbeFixtures.parse(ProbeFixtures.document(["load": "0.1 0.2 0.3 1/2 3"]))
        #expect(old.sample.topProcesses == nil && old.sample.failedUnits == nil && old.sample.containers == nil)
    }

    @Test func spoolFormKeepsTheNewFieldsAndReadsOldFiles() throws {
        var sample = try ProbeFixtures.report("ubuntu-22.04").sample
        sample.failedUnits = ["a.service"]
        let again = try JSONDecoder().decode(MetricSample.self, from: try JSONEncoder().encode(sample))
        #expect(again == sample)
        let old =
            #"{"collectedAt":786240000,"figures":{"cpu_percent":1},"filesystems":[{"mount_point":"/","device":"d","size_bytes":1,"used_bytes":0,"available_bytes":1}],"users":[]}"#
        let decoded = try JSONDecoder().decode(MetricSample.self, from: Data(old.utf8))
        #expect(decoded.topProcesses == nil && decoded.containers == nil && decoded.failedUnits == nil && decoded.filesystems[0].inodesTotal == nil)
    }
}

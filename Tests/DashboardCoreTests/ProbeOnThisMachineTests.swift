import Foundation
import Testing

@testable import DashboardCore

/// The real probe (`Sources/Collector/Resources/probe.sh`) run by `/bin/sh` on this machine and
/// read by the parser: the two halves of docs/probe-format.md agree on the CPU and disk figures
/// and on the deeper sections, which are read, or absent where this machine lacks them.
@Suite struct ProbeOnThisMachineTests {
    /// The probe script in this checkout.
    static let probe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Collector/Resources/probe.sh")

    /// Runs the probe as the collector runs it for `host: local` (`sh -s`, script on stdin), home scan off.
    static func run() throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-s"]
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "SD_PROBE_HOME_SECONDS": "0"]
        process.standardInput = try FileHandle(forReadingFrom: probe)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }

    /// The whole block devices of this machine by the probe's rule (docs/probe-format.md) that
    /// /proc/diskstats lists.
    static func wholeBlockDevices() -> [String] {
        let excluded = ["loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd"]
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []).filter { name in
            !excluded.contains { name.hasPrefix($0) }
        }
        let listed = Set(
            ((try? String(contentsOfFile: "/proc/diskstats", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
                line.split(separator: " ").dropFirst(2).first.map(String.init)
            })
        return names.map { $0.replacingOccurrences(of: "!", with: "/") }.filter(listed.contains)
    }

    @Test func theProbeHereGivesTheCPUTimeSplitAndDiskRates() async throws {
        let output = try await onOwnThread { Result { try Self.run() } }.get()
        let report = ProbeParser.parse(output, collectedAt: Date())
        #expect(report.isComplete)
        #expect(report.isUsable)
        #expect(ProbeFixtures.problems(report, "cpu").isEmpty)
        let sample = report.sample
        let user = try #require(sample[.cpuUserPercent])
        let system = try #require(sample[.cpuSystemPercent])
        let iowait = try #require(sample[.cpuIowaitPercent])
        let steal = try #require(sample[.cpuStealPercent])
        #expect(isClose(sample.cpuPercent, user + system + steal, tolerance: 1e-6))
        #expect(user + system + iowait + steal <= 100 + 1e-6)

        let devices = Self.wholeBlockDevices()
        if devices.isEmpty {
            // A machine (or container) that sees no whole block device: no rate, and the report says why.
            #expect(sample[.diskReadBytesPerSecond] == nil && sample[.diskWriteBytesPerSecond] == nil)
            #expect(!ProbeFixtures.problems(report, "diskio").isEmpty)
        } else {
            #expect(ProbeFixtures.problems(report, "diskio").isEmpty, "devices \(devices)")
            let read = try #require(sample[.diskReadBytesPerSecond], "devices \(devices)")
            let written = try #require(sample[.diskWriteBytesPerSecond], "devices \(devices)")
            #expect(read >= 0 && written >= 0)
        }
    }

    /// Whether this machine has what a deeper section reads, worked out here, not by the probe.
    static func has(_ section: String) -> Bool {
        let manager = FileManager.default
        switch section {
        case "temperature":
            let hwmon = ((try? manager.contentsOfDirectory(atPath: "/sys/class/hwmon")) ?? []).contains { name in
                ((try? manager.contentsOfDirectory(atPath: "/sys/class/hwmon/\(name)")) ?? []).contains { $0.hasPrefix("temp") && $0.hasSuffix("_input") }
            }
            let zones = ((try? manager.contentsOfDirectory(atPath: "/sys/class/thermal")) ?? []).contains { $0.hasPrefix("thermal_zone") }
            return hwmon || zones
        case "units":
            return manager.fileExists(atPath: "/run/systemd/system")
        default:
            // A docker socket this user may write to, or podman.
            return manager.isWritableFile(atPath: "/var/run/docker.sock") || manager.isExecutableFile(atPath: "/usr/bin/podman")
        }
    }

    @Test func theDeeperSectionsHereAreReadOrAbsentNeverErrors() async throws {
        // A busy loop the probe must rank among the busiest processes, found by its pid and
        // command line. It ends by itself after some seconds should the kill below be missed
        // (the test runner may be ignoring SIGTERM, which children inherit), and holds no pipe.
        let busy = Process()
        busy.executableURL = URL(fileURLWithPath: "/bin/sh")
        busy.arguments = ["-c", "i=0; while [ \"$i\" -lt 3000000 ]; do i=$((i + 1)); done", "sd-probe-busy-loop"]
        busy.standardOutput = FileHandle.nullDevice
        busy.standardError = FileHandle.nullDevice
        try busy.run()
        defer { kill(busy.processIdentifier, SIGKILL) }
        let output = try await onOwnThread { Result { try Self.run() } }.get()
        let report = ProbeParser.parse(output, collectedAt: Date())
        #expect(report.isComplete && report.isUsable)
        for section in ["inodes", "temperature", "units", "containers", "topprocs"] {
            #expect(ProbeFixtures.problems(report, section).isEmpty, "\(section)")
        }
        let sample = report.sample

        let top = try #require(sample.topProcesses)
        #expect((1...TopProcess.maximumCount).contains(top.count))
        #expect(zip(top, top.dropFirst()).allSatisfy { $0.cpuPercent >= $1.cpuPercent })
        let loop = top.first { $0.pid == Int(busy.processIdentifier) }
        #expect(loop?.command.hasPrefix("/bin/sh -c i=0; while") == true, "\(top.map(\.command))")
        #expect((loop?.cpuPercent ?? 0) > 0)

        // The root's inode count is what statvfs says (df -i reports f_files).
        var stats = statvfs()
        #expect(statvfs("/", &stats) == 0)
        let root = try #require(sample.filesystems.first { $0.mountPoint == "/" })
        if stats.f_files > 0 {
            #expect(root.inodesTotal == Int64(stats.f_files))
            #expect((root.inodesUsed ?? -1) >= 0 && MetricCatalogue.descriptor(.inodesPercent)?.value(in: sample) != nil)
        } else {
            #expect(root.inodesTotal == nil)
        }

        // Absent (nil), not an error, where this machine lacks the source.
        if !Self.has("temperature") { #expect(sample[.temperatureCelsius] == nil) }
        #expect((sample.failedUnits != nil) == Self.has("units"))
        if !Self.has("containers") { #expect(sample.containers == nil) }
        let text = String(decoding: output, as: UTF8.self)
        for section in ["temperature", "units", "containers"] where !Self.has(section) {
            #expect(text.contains("@@sd:\(section)\nabsent="), "\(section) is not marked absent")
        }
    }
}

import Foundation
import Testing

@testable import DashboardCore

/// The real probe (`Sources/Collector/Resources/probe.sh`) run by `/bin/sh` on this machine and
/// read by the parser: the two halves of docs/probe-format.md agree on the CPU and disk figures.
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
}

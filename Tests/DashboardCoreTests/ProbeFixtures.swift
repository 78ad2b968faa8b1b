import Foundation
import Testing

@testable import DashboardCore

/// The probe outputs under `Fixtures/` and small helpers to build and parse probe documents.
enum ProbeFixtures {
    /// Every fixture, by file name without `.txt`.
    static let names = ["debian-12", "ubuntu-22.04", "rocky-9", "centos-6", "alpine-3.19", "docker-hostile"]

    /// The time every test sample is collected at.
    static let collectedAt = Date(timeIntervalSince1970: 1_764_084_313)

    /// The bytes of one fixture.
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures"), "no fixture \(name).txt")
        return [UInt8](try Data(contentsOf: url))
    }

    /// One fixture, parsed.
    static func report(_ name: String) throws -> ProbeReport {
        ProbeParser.parse(try bytes(name), collectedAt: collectedAt)
    }

    /// Parses text as the probe would have printed it.
    static func parse(_ text: String) -> ProbeReport {
        ProbeParser.parse(Array(text.utf8), collectedAt: collectedAt)
    }

    /// A probe document: begin marker, the sections in order, end marker.
    static func document(_ sections: KeyValuePairs<String, String>, end: Bool = true) -> String {
        var text = "@@sd:begin version=1\n"
        for (name, body) in sections {
            text += "@@sd:\(name)\n"
            if !body.isEmpty { text += body + "\n" }
        }
        if end { text += "@@sd:end\n" }
        return text
    }

    /// A complete, valid document with one figure per section, to which tests add what they need.
    static func minimal(
        os: String = "name=Test Linux\nkernel=6.1.0\nhostname=test",
        cpu: String = "cores=2\ncpu  100 0 100 800 0 0 0 0 0 0\ncpu  150 0 150 900 0 0 0 0 0 0",
        diskio: String = "uptime=100.00\nsda 1000 2000\nuptime=100.50\nsda 1100 2400",
        memory: String = "MemTotal:        1000000 kB\nMemAvailable:     250000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB",
        mounts: String = "/dev/sda1 / ext4 rw,relatime 0 0",
        df: String = "Filesystem     1024-blocks   Used Available Capacity Mounted on\n/dev/sda1         10000000 5000000   5000000      50% /",
        network: String = "Inter-|   Receive\n face |bytes\n  eth0: 1000 1 0 0 0 0 0 0 2000 2 0 0 0 0 0 0",
        users: String = "alice\t1.00\t2.00\t3\tbash",
        extra: KeyValuePairs<String, String> = [:],
        end: Bool = true
    ) -> String {
        var text = document(
            [
                "os": os, "load": "0.50 0.40 0.30 1/100 1000", "cpu": cpu, "diskio": diskio, "memory": memory, "mounts": mounts,
                "df": df, "sessions": "count=1", "tcp": "established=2", "network": network,
                "uptime": "100.00 200.00", "processes": "count=42", "users": users,
            ], end: false)
        for (name, body) in extra {
            text += "@@sd:\(name)\n"
            if !body.isEmpty { text += body + "\n" }
        }
        if end { text += "@@sd:end\n" }
        return text
    }

    /// The problems of one section.
    static func problems(_ report: ProbeReport, _ section: String) -> [String] {
        report.problems.filter { $0.section == section }.map(\.message)
    }
}

/// Whether two figures agree to within rounding.
func isClose(_ value: Double?, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
    guard let value else { return false }
    return abs(value - expected) <= tolerance * max(1, abs(expected))
}

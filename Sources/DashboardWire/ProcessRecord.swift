import DashboardCore

/// One of the busiest processes of a sample, in `latest.top_processes` of `/api/servers/{name}`
/// (docs/api.md). User and command are host text, cleaned and bounded by the probe's parser.
public struct ProcessRecord: Codable, Sendable, Equatable {
    /// The process id.
    public var pid: Int
    /// The owner's login name.
    public var user: String
    /// The command line, at most 200 bytes.
    public var command: String
    /// CPU in percent of one core, 2 decimals.
    public var cpuPercent: Double
    /// Resident memory in percent of total memory, 2 decimals.
    public var memoryPercent: Double

    enum CodingKeys: String, CodingKey {
        case pid, user, command
        case cpuPercent = "cpu_percent", memoryPercent = "memory_percent"
    }

    /// The record of a process.
    public init(_ process: TopProcess) {
        pid = process.pid
        user = process.user
        command = process.command
        cpuPercent = WireRounding.round2(process.cpuPercent)
        memoryPercent = WireRounding.round2(process.memoryPercent)
    }
}

/// Rounding of percentages on the wire.
enum WireRounding {
    /// `value` to 2 decimals.
    static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

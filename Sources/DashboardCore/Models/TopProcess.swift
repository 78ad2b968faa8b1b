/// One of the busiest processes on a server when the probe ran (docs/probe-format.md, `topprocs`).
///
/// Every string is untrusted host text, already cleaned by `HostText` and bounded.
public struct TopProcess: Sendable, Equatable, Codable {
    /// The most kept per sample, highest CPU first.
    public static let maximumCount = 10
    /// The longest command line kept, in bytes of UTF-8.
    public static let maximumCommandBytes = 200
    /// The longest user name kept, in bytes of UTF-8.
    public static let maximumUserBytes = 64

    /// The process id.
    public var pid: Int
    /// The owner's login name (or numeric uid when the host has no name for it).
    public var user: String
    /// The command line, cut to `maximumCommandBytes`.
    public var command: String
    /// CPU in percent of one core.
    public var cpuPercent: Double
    /// Resident memory in percent of total memory.
    public var memoryPercent: Double

    /// Creates a process record.
    public init(pid: Int, user: String, command: String, cpuPercent: Double, memoryPercent: Double) {
        self.pid = pid
        self.user = user
        self.command = command
        self.cpuPercent = cpuPercent
        self.memoryPercent = memoryPercent
    }

    enum CodingKeys: String, CodingKey {
        case pid, user, command
        case cpuPercent = "cpu_percent"
        case memoryPercent = "memory_percent"
    }
}

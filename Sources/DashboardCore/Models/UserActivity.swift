/// What one user is doing on one server: summed over that user's processes.
public struct UserActivity: Sendable, Equatable, Codable {
    /// The login name (untrusted text from the host, already cleaned of control characters).
    public var username: String
    /// CPU in percent of one core, summed over the user's processes.
    public var cpuPercent: Double
    /// Resident memory in percent of total memory.
    public var memoryPercent: Double
    /// Number of processes the user owns.
    public var processCount: Int
    /// The command name of the user's busiest process.
    public var topProcess: String?
    /// Home-directory use in bytes, when the probe measured it in time.
    public var homeBytes: Int64?

    /// Creates a user-activity record.
    public init(username: String, cpuPercent: Double, memoryPercent: Double, processCount: Int, topProcess: String? = nil, homeBytes: Int64? = nil) {
        self.username = username
        self.cpuPercent = cpuPercent
        self.memoryPercent = memoryPercent
        self.processCount = processCount
        self.topProcess = topProcess
        self.homeBytes = homeBytes
    }
}

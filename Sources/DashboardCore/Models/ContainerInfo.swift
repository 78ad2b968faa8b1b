/// One Docker or Podman container on a server (docs/probe-format.md, `containers`).
///
/// Names, images and statuses are untrusted host text, already cleaned by `HostText` and bounded.
public struct ContainerInfo: Sendable, Equatable, Codable {
    /// The most kept per sample.
    public static let maximumCount = 50
    /// The longest name, image or status kept, in bytes of UTF-8.
    public static let maximumTextBytes = 200
    /// The states `state` takes; anything else a host prints is `unknown`.
    public static let states: Set<String> = ["running", "exited", "restarting", "paused", "created", "dead", "removing", "unknown"]

    /// The container's name.
    public var name: String
    /// The image it runs, as the engine names it.
    public var image: String
    /// One of `states`.
    public var state: String
    /// The engine's human status, e.g. `Up 3 hours` or `Exited (1) 2 minutes ago`.
    public var status: String?
    /// The exit code of a stopped container, when known.
    public var exitCode: Int?
    /// How many times the engine restarted it, when known.
    public var restartCount: Int?
    /// CPU in percent of one core (running containers, when `docker stats` answered in time).
    public var cpuPercent: Double?
    /// Memory in use, in bytes (as `cpuPercent`).
    public var memoryBytes: Int64?

    /// Creates a container record.
    public init(
        name: String, image: String, state: String, status: String? = nil, exitCode: Int? = nil, restartCount: Int? = nil,
        cpuPercent: Double? = nil, memoryBytes: Int64? = nil
    ) {
        self.name = name
        self.image = image
        self.state = state
        self.status = status
        self.exitCode = exitCode
        self.restartCount = restartCount
        self.cpuPercent = cpuPercent
        self.memoryBytes = memoryBytes
    }

    enum CodingKeys: String, CodingKey {
        case name, image, state, status
        case exitCode = "exit_code"
        case restartCount = "restart_count"
        case cpuPercent = "cpu_percent"
        case memoryBytes = "memory_bytes"
    }
}

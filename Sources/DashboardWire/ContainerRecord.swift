import DashboardCore

/// One Docker or Podman container of a sample, in `latest.containers` of `/api/servers/{name}`
/// (docs/api.md). Name, image and status are host text, cleaned and bounded by the probe's parser.
public struct ContainerRecord: Codable, Sendable, Equatable {
    /// The container's name.
    public var name: String
    /// The image it runs.
    public var image: String
    /// running, exited, restarting, paused, created, dead, removing or unknown.
    public var state: String
    /// The engine's status text, e.g. `Up 3 hours`.
    @Nullable public var status: String?
    /// The exit code of a stopped container, when known.
    @Nullable public var exitCode: Int?
    /// How many times the engine restarted it, when known.
    @Nullable public var restartCount: Int?
    /// CPU in percent of one core, 2 decimals, when known.
    @Nullable public var cpuPercent: Double?
    /// Memory in use in bytes, when known.
    @Nullable public var memoryBytes: Int64?

    enum CodingKeys: String, CodingKey {
        case name, image, state, status
        case exitCode = "exit_code", restartCount = "restart_count", cpuPercent = "cpu_percent", memoryBytes = "memory_bytes"
    }

    /// The record of a container.
    public init(_ container: ContainerInfo) {
        name = container.name
        image = container.image
        state = container.state
        status = container.status
        exitCode = container.exitCode
        restartCount = container.restartCount
        cpuPercent = container.cpuPercent.map(WireRounding.round2)
        memoryBytes = container.memoryBytes
    }
}

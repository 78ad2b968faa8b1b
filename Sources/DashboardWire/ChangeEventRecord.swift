import DashboardCore
import FoundationEssentials

/// One element of `GET /api/servers/{server_name}/events`: something that changed on a server
/// between two collections (docs/api.md). `previous` and `current` are host text, cleaned and bounded.
public struct ChangeEventRecord: Codable, Sendable, Equatable {
    /// reboot, kernel_changed, os_changed, new_user or host_key_changed; kept as text so a
    /// newer api's kind still decodes.
    public var kind: String
    /// When the collector noticed it.
    public var at: Date
    /// The value before (the old boot time, kernel, OS or key); `null` when there is none.
    @Nullable public var previous: String?
    /// The value after (the new boot time, kernel, OS, user name or key); `null` when there is none.
    @Nullable public var current: String?

    /// Creates a record.
    public init(kind: String, at: Date, previous: String?, current: String?) {
        self.kind = kind
        self.at = at
        self.previous = previous
        self.current = current
    }

    /// The record of a change event.
    public init(_ event: ChangeEvent) {
        self.init(kind: event.kind.rawValue, at: event.at, previous: event.previous, current: event.current)
    }
}

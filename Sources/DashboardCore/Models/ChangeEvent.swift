import FoundationEssentials

/// What kind of change the collector noticed on a server between two collections
/// (docs/collector.md, "Change events").
public enum ChangeEventKind: String, Sendable, Codable, CaseIterable {
    /// The boot time moved (or the uptime went down): the server restarted.
    case reboot
    /// The kernel release differs from the one last stored.
    case kernelChanged = "kernel_changed"
    /// The operating system description differs from the one last stored.
    case osChanged = "os_changed"
    /// A user name was seen on the server for the first time.
    case newUser = "new_user"
    /// The server presented a host key that differs from the trusted one.
    case hostKeyChanged = "host_key_changed"
}

/// One change on one server: a reboot, a new kernel or OS, a new user, a changed host key.
///
/// `previous` and `current` are host text (cleaned and bounded by the probe parser) or
/// values the collector worked out (boot times in ISO 8601, key fingerprints).
public struct ChangeEvent: Sendable, Equatable, Codable {
    /// The longest `previous` or `current` kept, in bytes of UTF-8.
    public static let maximumValueBytes = 256

    /// What changed.
    public var kind: ChangeEventKind
    /// When the collector noticed it (the sample's collection time, or the failed attempt's).
    public var at: Date
    /// The value before, when there is one (the old boot time, kernel, OS).
    public var previous: String?
    /// The value after, when there is one (the new boot time, kernel, OS, user name, key fingerprint).
    public var current: String?

    /// Creates an event.
    public init(kind: ChangeEventKind, at: Date, previous: String? = nil, current: String? = nil) {
        self.kind = kind
        self.at = at
        self.previous = previous
        self.current = current
    }
}

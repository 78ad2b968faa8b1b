import FoundationEssentials

/// Why collecting from one server failed, in a form callers can switch on.
public enum FailureKind: String, Sendable, Codable, CaseIterable {
    /// Nothing listens, or the connection was reset.
    case refused
    /// Connect, handshake or probe took longer than allowed.
    case timeout
    /// The server rejected our credentials.
    case auth
    /// The server's host key is unknown or changed: a security event.
    case hostKey = "host_key"
    /// The SSH conversation broke down (bad banner, unexpected disconnect).
    case `protocol`
    /// The probe ran but its output could not be used.
    case probe
    /// The result could not be stored.
    case storage

    /// Whether another attempt might succeed (refused, timeout and protocol failures).
    public var isTransient: Bool {
        switch self {
        case .refused, .timeout, .protocol: return true
        case .auth, .hostKey, .probe, .storage: return false
        }
    }
}

/// A failure kind with a message that is safe to show and store (never a secret).
public struct CollectionFailure: Sendable, Equatable, Codable, Error, CustomStringConvertible {
    /// What kind of failure, for callers to switch on.
    public var kind: FailureKind
    /// What happened, safe to show and store.
    public var message: String

    /// Creates a failure record.
    public init(kind: FailureKind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// `kind: message`, e.g. `auth: authentication failed for user probe`.
    public var description: String { "\(kind.rawValue): \(message)" }
}

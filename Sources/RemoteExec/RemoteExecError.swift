import DashboardCore

/// Why running the probe on a server failed: a kind to switch on and a message that is
/// safe to show, log and store (it carries libssh2's own text, never a password or passphrase).
public struct RemoteExecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in a form callers can switch on; new kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case connectionRefused = "connection refused"
            case connectionLost = "connection lost"
            case nameResolution = "name resolution"
            case timeout
            case cancelled
            case authentication
            case hostKeyUnknown = "host key unknown"
            case hostKeyChanged = "host key changed"
            case protocolError = "protocol error"
            case outputTooLarge = "output too large"
            case execFailed = "exec failed"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// Nothing listens on the port, the connection was reset, or the host is unreachable.
        public static let connectionRefused = Kind(.connectionRefused)
        /// The server closed or reset the connection part-way.
        public static let connectionLost = Kind(.connectionLost)
        /// The host name could not be resolved to an address.
        public static let nameResolution = Kind(.nameResolution)
        /// The connect timeout or the overall probe deadline passed.
        public static let timeout = Kind(.timeout)
        /// The calling task was cancelled before the probe finished.
        public static let cancelled = Kind(.cancelled)
        /// The server refused every credential, or none was configured.
        public static let authentication = Kind(.authentication)
        /// The server's host key is not in the known-hosts file (policy `strict`).
        public static let hostKeyUnknown = Kind(.hostKeyUnknown)
        /// The server's host key differs from the one in the known-hosts file.
        public static let hostKeyChanged = Kind(.hostKeyChanged)
        /// The SSH conversation broke down (key exchange, unexpected disconnect, bad data).
        public static let protocolError = Kind(.protocolError)
        /// The probe printed more than the output limit.
        public static let outputTooLarge = Kind(.outputTooLarge)
        /// The probe could not be started (channel or exec request refused, spawn failed).
        public static let execFailed = Kind(.execFailed)

        /// The collection failure kind this maps onto (cancellation counts as a timeout).
        public var failureKind: FailureKind {
            switch code {
            case .connectionRefused, .connectionLost, .nameResolution: return .refused
            case .timeout, .cancelled: return .timeout
            case .authentication: return .auth
            case .hostKeyUnknown, .hostKeyChanged: return .hostKey
            case .protocolError: return .protocol
            case .outputTooLarge, .execFailed: return .probe
            }
        }

        /// The kind's name, e.g. `connection refused` or `timeout`.
        public var description: String { code.rawValue }
    }

    /// What went wrong.
    public var kind: Kind
    /// A human-readable explanation that says what to do where it can; never a secret.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The collection failure kind this error maps onto.
    public var failureKind: FailureKind { kind.failureKind }

    /// This error as the record the collector stores.
    public var collectionFailure: CollectionFailure {
        CollectionFailure(kind: failureKind, message: message)
    }

    /// `kind: message`, the kind being the collection failure kind (`refused`, `timeout`, …).
    public var description: String { "\(failureKind.rawValue): \(message)" }
}

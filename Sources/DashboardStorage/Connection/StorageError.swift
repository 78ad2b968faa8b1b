/// A database failure with a kind callers can switch on and PostgreSQL's own message.
///
/// Messages never contain a password or a query's parameter values; they name the
/// host and port when a connection is at fault and say what to do.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, coarsely.
    public enum Kind: String, Sendable, Equatable {
        /// No connection could be made (refused, unknown host, authentication, timeout).
        case connection
        /// An established connection broke (e.g. PostgreSQL restarted).
        case connectionLost
        /// PostgreSQL rejected a statement.
        case query
        /// A value could not be bound (e.g. text with a NUL byte).
        case invalidParameter
        /// A column did not hold what the code expected.
        case decoding
        /// Migrations could not be applied.
        case migration
    }

    /// The class of failure, for callers to switch on.
    public var kind: Kind
    /// What happened, in PostgreSQL's words or ours; never holds a password or a parameter value.
    public var message: String
    /// PostgreSQL's SQLSTATE, when it sent one (e.g. `23505` for a unique violation).
    public var sqlState: String?

    /// Creates an error.
    public init(kind: Kind, message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    /// Whether the database is unreachable (as opposed to a statement being wrong).
    public var isUnavailable: Bool { kind == .connection || kind == .connectionLost }

    /// Just `message`, as it is logged.
    public var description: String { message }
}

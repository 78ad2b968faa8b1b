import FoundationEssentials

/// The body of every error answer of the api:
/// `{"success": false, "error": "<message>", "details": {"code": "<CODE>", "timestamp": …}}`.
public struct ErrorDocument: Codable, Sendable, Equatable {
    /// The machine-readable part.
    public struct Details: Codable, Sendable, Equatable {
        /// `BAD_PARAMETER`, `SERVER_NOT_FOUND`, `NOT_FOUND`, `DATABASE_UNAVAILABLE`, …
        public var code: String
        /// When the error was answered.
        public var timestamp: Date
    }

    /// Always `false`.
    public var success: Bool
    /// What went wrong, for people.
    public var error: String
    /// The error's code and time.
    public var details: Details

    /// The document of an error with `message` and `code` at `timestamp`.
    public init(message: String, code: String, timestamp: Date) {
        success = false
        error = message
        details = Details(code: code, timestamp: timestamp)
    }
}

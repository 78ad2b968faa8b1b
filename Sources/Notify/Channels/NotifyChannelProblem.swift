/// A `NOTIFY_URLS` entry that cannot be used, by position. Its message never holds a
/// credential, path or query: `NOTIFY_URLS entry 2 (ftp://***@host/…): unknown scheme ftp; use …`.
public struct NotifyChannelProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based position of the entry in `NOTIFY_URLS`.
    public let position: Int
    /// What is wrong and what to do, with the entry shown masked.
    public let message: String

    /// Creates a problem report.
    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

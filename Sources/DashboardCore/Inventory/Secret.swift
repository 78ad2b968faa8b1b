/// A password or passphrase. It prints, logs, encodes and reflects as a fixed mask,
/// so a secret cannot leak through string interpolation, `dump` or a log line.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: String

    /// Wraps a secret value.
    public init(_ value: String) { storage = value }

    /// The secret itself: call only where it is handed to the library that needs it.
    public func reveal() -> String { storage }

    public var isEmpty: Bool { storage.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

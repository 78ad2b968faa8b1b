/// A password or passphrase. It prints, logs, encodes and reflects as a fixed mask,
/// so a secret cannot leak through string interpolation, `dump` or a log line.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: String

    /// Wraps a secret value.
    public init(_ value: String) { storage = value }

    /// The secret itself: call only where it is handed to the library that needs it.
    public func reveal() -> String { storage }

    /// Whether the secret is empty, answered without revealing it.
    public var isEmpty: Bool { storage.isEmpty }
    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`, for `debugPrint` and `String(reflecting:)` too.
    public var debugDescription: String { "<redacted>" }
    /// A mirror without children, so `dump` and reflection show nothing of the value.
    public var customMirror: Mirror { Mirror(self, children: []) }
}

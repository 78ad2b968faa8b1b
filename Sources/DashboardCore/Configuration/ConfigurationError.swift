/// A setting that cannot be used, named by its key. Its message never contains a secret.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment key (or inventory entry) at fault.
    public var key: String
    /// What is wrong and what to do about it.
    public var message: String

    /// Creates a configuration error.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `key: message`, as it is printed.
    public var description: String { "\(key): \(message)" }
}

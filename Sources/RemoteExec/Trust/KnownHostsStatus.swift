/// What the known-hosts file says about a server's presented key.
public enum KnownHostsStatus: Sendable, Equatable {
    /// The file already holds this key for the server.
    case trusted
    /// The file lists this key under `@revoked`.
    case revoked
    /// The file holds another key for the server under `pattern`: `recorded` (its comment is
    /// `pattern`). It is never replaced; `ssh-keygen -R pattern -f FILE` removes it.
    case changed(recorded: HostKeyFingerprint, pattern: String)
    /// The file has no key for the server.
    case unknown
}

/// The host key one server presented, as `collector trust` shows and records it.
public struct FetchedHostKey: Sendable {
    /// The inventory name of the server.
    public let serverName: String
    /// The key as `ssh-keygen -lf known_hosts` would print it once recorded: its comment is
    /// the `known_hosts` host pattern (`host`, or `[host]:port` off port 22).
    public let fingerprint: HostKeyFingerprint
    /// `host:port` (with the address when it differs), for messages.
    public let display: String
    let key: PresentedHostKey
    let host: HostIdentity

    /// The `known_hosts` host pattern a new entry is recorded under.
    public var pattern: String { host.primaryName }

    init(serverName: String, key: PresentedHostKey, host: HostIdentity) throws(RemoteExecError) {
        guard let fingerprint = HostKeyFingerprint(blob: key.blob, comment: host.primaryName) else {
            throw RemoteExecError(kind: .protocolError, message: "\(host.display): the server's \(key.algorithm.name) host key could not be read")
        }
        self.serverName = serverName
        self.fingerprint = fingerprint
        self.display = host.display
        self.key = key
        self.host = host
    }
}

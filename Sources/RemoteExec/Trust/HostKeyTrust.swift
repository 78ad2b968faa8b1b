import BlockingWork
import DashboardCore

/// Fetches servers' host keys and records them in the known-hosts file, for `collector trust`
/// (docs/collector.md, "Trusting host keys").
///
/// Fetching connects and completes the SSH handshake only, on threads of its own (never on
/// Swift's cooperative pool). Recording appends a line in the format the `accept-new` policy
/// writes, never rewriting the file, and never for a host the file already holds another key for.
public final class HostKeyTrust: Sendable {
    /// The `known_hosts` file keys are checked against and appended to.
    public var knownHostsFile: String { store.path }
    private let settings: SSHConnectionSettings
    private let pool: BlockingThreadPool
    private let store: KnownHostsStore

    /// Uses `settings.connectTimeout` and `settings.knownHostsFile`; at most
    /// `maximumConcurrentConnections` servers are contacted at once.
    public init(settings: SSHConnectionSettings, maximumConcurrentConnections: Int = 32) {
        self.settings = settings
        self.pool = BlockingThreadPool(name: "ssh-host-key", maximumThreads: max(1, maximumConcurrentConnections))
        self.store = KnownHostsStore(path: settings.knownHostsFile)
    }

    /// Connects to `server` (TCP and SSH handshake, no login) and returns the host key it presents.
    public func fetch(_ server: ServerConfig) async throws(RemoteExecError) -> FetchedHostKey {
        guard server.transport == .ssh else {
            throw RemoteExecError(kind: .execFailed, message: "\(server.name) is this machine (host `local`): it has no SSH host key")
        }
        let cancellation = CancellationFlag()
        let fetch = HostKeyFetch(server: server, settings: settings, knownHosts: store, cancellation: cancellation)
        let result = await withTaskCancellationHandler {
            await pool.run { fetch.run() }
        } onCancel: {
            cancellation.cancel()
        }
        return try FetchedHostKey(serverName: server.name, key: try result.get(), host: fetch.host)
    }

    /// `fetch(_:)` as a `Result`, for callers that gather many fetches.
    public func fetchResult(_ server: ServerConfig) async -> Result<FetchedHostKey, RemoteExecError> {
        do throws(RemoteExecError) {
            return .success(try await fetch(server))
        } catch {
            return .failure(error)
        }
    }

    /// What the known-hosts file holds for the server of `fetched`.
    public func status(of fetched: FetchedHostKey) throws(RemoteExecError) -> KnownHostsStatus {
        publicStatus(try store.status(of: fetched.key, host: fetched.host))
    }

    /// Appends `fetched` to the known-hosts file (creating it, mode 600, and its folder, mode 700)
    /// when the file still has no key for that server; returns what the file held before, so
    /// `.unknown` means the key was added and anything else that nothing was written.
    public func trust(_ fetched: FetchedHostKey) throws(RemoteExecError) -> KnownHostsStatus {
        publicStatus(try store.addIfUnknown(fetched.key, host: fetched.host))
    }

    /// `collector trust NAME`, the name quoted for a POSIX shell when it needs it.
    public static func trustCommand(for serverName: String) -> String {
        "collector trust \(shellQuoted(serverName))"
    }

    /// `ssh-keygen -R PATTERN -f FILE`, quoted for a POSIX shell: what removes the entries for
    /// `pattern` from the known-hosts file.
    public func removeCommand(for pattern: String) -> String {
        "ssh-keygen -R \(shellQuoted(pattern)) -f \(shellQuoted(knownHostsFile))"
    }

    private func publicStatus(_ status: KnownHostsStore.Status) -> KnownHostsStatus {
        switch status {
        case .trusted: return .trusted
        case .revoked: return .revoked
        case .unknown: return .unknown
        case .changed(let recorded, let name, _):
            let fingerprint =
                HostKeyFingerprint(base64: recorded.base64, comment: name)
                ?? HostKeyFingerprint(algorithm: recorded.algorithm.name, comment: name)
            return .changed(recorded: fingerprint, pattern: name)
        }
    }
}

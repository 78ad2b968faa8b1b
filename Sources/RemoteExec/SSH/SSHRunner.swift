import BlockingWork
import DashboardCore
import Logging

/// Runs the probe on servers over SSH with libssh2.
///
/// Each run happens on a dedicated thread (never on Swift's cooperative pool), from a pool of
/// at most `maximumConcurrentConnections` threads; runs beyond that wait their turn, and their
/// deadline starts when they do. The known-hosts file is parsed once and re-read only when it
/// changes.
///
/// Cost per connection on the collector side, measured on loopback against OpenSSH 9.2: about
/// 3 ms of CPU with an ed25519 key or a password. A passphrase-protected key in OpenSSH format
/// costs about 130 ms more, every connection: libssh2 1.10 re-derives its key with bcrypt each
/// time it signs. An ECDSA key converted to PEM (`ssh-keygen -p -m PEM -f KEY`) or a key without
/// a passphrase, readable only by the collector, avoids that.
public final class SSHRunner: ProbeRunner {
    /// How connections are made and verified.
    public let settings: SSHConnectionSettings
    private let pool: BlockingThreadPool
    private let knownHosts: KnownHostsStore
    private let logger: Logger

    /// Creates a runner; `maximumConcurrentConnections` should match the collector's concurrency.
    public init(settings: SSHConnectionSettings, maximumConcurrentConnections: Int = 32, logger: Logger) {
        self.settings = settings
        self.pool = BlockingThreadPool(name: "ssh-probe", maximumThreads: maximumConcurrentConnections)
        self.knownHosts = KnownHostsStore(path: settings.knownHostsFile)
        self.logger = logger
    }

    /// Runs `script` on `server` over SSH. Fails with `.execFailed` for a `local` server (use
    /// `LocalRunner` or `TransportRunner`).
    public func run(script: [UInt8], on server: ServerConfig) async throws(RemoteExecError) -> ExecResult {
        guard server.transport == .ssh else {
            throw RemoteExecError(kind: .execFailed, message: "\(server.name) is this machine (host `local`): it runs with LocalRunner, not over SSH")
        }
        let cancellation = CancellationFlag()
        let probe = SSHProbe(script: script, server: server, settings: settings, knownHosts: knownHosts, cancellation: cancellation)
        let result = await withTaskCancellationHandler {
            await pool.run { probe.run() }
        } onCancel: {
            cancellation.cancel()
        }
        var metadata: Logger.Metadata = [
            "server.name": "\(server.name)", "ssh.host": "\(server.connectAddress)", "ssh.port": "\(server.port)",
        ]
        switch result {
        case .success(let output):
            metadata["ssh.duration_ms"] = "\(output.timings.total.milliseconds)"
            metadata["ssh.exit_status"] = "\(output.exitStatus)"
            if case .learned(let fingerprint, let file) = output.hostKey {
                logger.notice("learned host key", metadata: metadata.merging(["ssh.fingerprint": "\(fingerprint)", "ssh.known_hosts": "\(file)"]) { $1 })
            }
            logger.debug("probe finished", metadata: metadata)
        case .failure(let error):
            metadata["error.kind"] = "\(error.kind)"
            logger.debug("probe failed", metadata: metadata)
        }
        return try result.get()
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

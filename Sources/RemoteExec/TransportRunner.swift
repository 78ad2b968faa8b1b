import DashboardCore
import Logging

/// Runs the probe the way each server needs: over SSH, or locally for `SERVERn_HOST=local`.
public struct TransportRunner: ProbeRunner {
    /// Runs SSH servers.
    public let ssh: SSHRunner
    /// Runs the `local` server.
    public let local: LocalRunner

    /// Creates both runners from one set of settings.
    public init(settings: SSHConnectionSettings, maximumConcurrentConnections: Int = 32, logger: Logger) {
        self.init(
            ssh: SSHRunner(settings: settings, maximumConcurrentConnections: maximumConcurrentConnections, logger: logger),
            local: LocalRunner(settings: settings))
    }

    /// Combines two existing runners.
    public init(ssh: SSHRunner, local: LocalRunner) {
        self.ssh = ssh
        self.local = local
    }

    /// Runs `script` on `server` with the runner its transport calls for.
    public func run(script: [UInt8], on server: ServerConfig) async throws(RemoteExecError) -> ExecResult {
        switch server.transport {
        case .ssh: return try await ssh.run(script: script, on: server)
        case .local: return try await local.run(script: script, on: server)
        }
    }
}

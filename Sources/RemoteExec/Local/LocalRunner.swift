import BlockingWork
import DashboardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the probe on this machine (`SERVERn_HOST=local`): `/bin/sh -s` with the script on its
/// standard input, under the same deadline and output limit as over SSH.
///
/// The shell runs in its own process group; when the deadline passes the whole group is
/// killed. The waiting happens on a dedicated thread, never on Swift's cooperative pool.
public final class LocalRunner: ProbeRunner {
    /// The deadline for the whole run.
    public let probeTimeout: Duration
    /// Most bytes of standard output and standard error together.
    public let outputLimit: Int
    /// The shell that runs the script.
    public let shell: String
    private let pool: BlockingThreadPool

    /// Creates a runner with the given deadline and output limit.
    public init(probeTimeout: Duration = .seconds(30), outputLimit: Int = 4 << 20, shell: String = "/bin/sh", maximumConcurrentRuns: Int = 4) {
        self.probeTimeout = probeTimeout
        self.outputLimit = outputLimit
        self.shell = shell
        self.pool = BlockingThreadPool(name: "local-probe", maximumThreads: maximumConcurrentRuns)
    }

    /// Creates a runner with the probe timeout and output limit of `settings`.
    public convenience init(settings: SSHConnectionSettings) {
        self.init(probeTimeout: settings.probeTimeout, outputLimit: settings.outputLimit)
    }

    /// Runs `script` on this machine. Fails with `.execFailed` for a server reached over SSH.
    public func run(script: [UInt8], on server: ServerConfig) async throws(RemoteExecError) -> ExecResult {
        guard server.transport == .local else {
            throw RemoteExecError(kind: .execFailed, message: "\(server.name) is reached over SSH, not run locally")
        }
        let cancellation = CancellationFlag()
        let execution = LocalExecution(script: script, shell: shell, timeout: probeTimeout, outputLimit: outputLimit, cancellation: cancellation)
        let result = await withTaskCancellationHandler {
            await pool.run { execution.run() }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }
}

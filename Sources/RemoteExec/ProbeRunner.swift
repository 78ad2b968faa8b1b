import DashboardCore

/// Runs one probe script on one server and returns what it printed.
public protocol ProbeRunner: Sendable {
    /// Runs `script` with `/bin/sh` on `server` (script on standard input), within the
    /// runner's deadline and output limit.
    func run(script: [UInt8], on server: ServerConfig) async throws(RemoteExecError) -> ExecResult
}

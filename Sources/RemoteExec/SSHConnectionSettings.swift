#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the collector connects to servers and runs the probe on them.
public struct SSHConnectionSettings: Sendable, Equatable {
    /// Longest wait for the TCP connection (`CONNECT_TIMEOUT_SECONDS`, 10 s).
    public var connectTimeout: Duration
    /// One deadline for the whole run: connect, handshake, authentication, the script and
    /// reading its output (`PROBE_TIMEOUT_SECONDS`, 30 s).
    public var probeTimeout: Duration
    /// The OpenSSH `known_hosts` file to verify against (`KNOWN_HOSTS_FILE`, `~/.ssh/known_hosts`).
    public var knownHostsFile: String
    /// What to do with unknown and changed host keys (`HOST_KEY_POLICY`, strict).
    public var hostKeyPolicy: HostKeyPolicy
    /// Most bytes of standard output and standard error together before the run fails (4 MiB).
    public var outputLimit: Int
    /// The command the script is fed to on the server.
    public var remoteCommand: String

    /// The default known-hosts file: `~/.ssh/known_hosts` of the user running the collector.
    public static var defaultKnownHostsFile: String { expandingTilde(in: "~/.ssh/known_hosts") }

    /// Creates settings; every value has the documented default.
    public init(
        connectTimeout: Duration = .seconds(10),
        probeTimeout: Duration = .seconds(30),
        knownHostsFile: String = SSHConnectionSettings.defaultKnownHostsFile,
        hostKeyPolicy: HostKeyPolicy = .strict,
        outputLimit: Int = 4 << 20,
        remoteCommand: String = "sh -s"
    ) {
        self.connectTimeout = connectTimeout
        self.probeTimeout = probeTimeout
        self.knownHostsFile = SSHConnectionSettings.expandingTilde(in: knownHostsFile)
        self.hostKeyPolicy = hostKeyPolicy
        self.outputLimit = outputLimit
        self.remoteCommand = remoteCommand
    }

    /// `path` with a leading `~/` replaced by `$HOME/`.
    public static func expandingTilde(in path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = getenv("HOME").map { String(cString: $0) } ?? "/root"
        return home + path.dropFirst()
    }
}

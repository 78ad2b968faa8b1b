/// What a probe run produced.
public struct ExecResult: Sendable, Equatable {
    /// Everything the script wrote to standard output.
    public var stdout: [UInt8]
    /// Everything the script wrote to standard error.
    public var stderr: [UInt8]
    /// The script's exit status; 128 + the signal number when a signal ended it.
    public var exitStatus: Int32
    /// The signal that ended the script (`"KILL"`, `"TERM"`, …), when one did.
    public var exitSignal: String?
    /// How the server's identity was established; `.unchecked` asks the caller to warn.
    public var hostKey: HostKeyOutcome
    /// Where the time went.
    public var timings: ExecTimings

    /// Creates a result.
    public init(
        stdout: [UInt8], stderr: [UInt8], exitStatus: Int32, exitSignal: String? = nil,
        hostKey: HostKeyOutcome, timings: ExecTimings
    ) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.hostKey = hostKey
        self.timings = timings
    }
}

/// How the server's host key was treated on this run.
public enum HostKeyOutcome: Sendable, Equatable {
    /// The key matched the known-hosts file.
    case verified(fingerprint: String)
    /// The host was unknown and its key was appended to the known-hosts file (policy `accept-new`).
    case learned(fingerprint: String, knownHostsFile: String)
    /// Verification is off (policy `off`): the caller should warn that the server was not authenticated.
    case unchecked(fingerprint: String)
    /// No SSH was involved (the local runner).
    case notApplicable

    /// The key's `SHA256:…` fingerprint as OpenSSH prints it, when there was a key.
    public var fingerprint: String? {
        switch self {
        case .verified(let fingerprint), .learned(let fingerprint, _), .unchecked(let fingerprint): return fingerprint
        case .notApplicable: return nil
        }
    }
}

/// Where the time of one run went. Phases that did not happen are zero.
public struct ExecTimings: Sendable, Equatable {
    /// Name resolution and TCP connect.
    public var connect: Duration
    /// SSH key exchange and host-key verification.
    public var handshake: Duration
    /// User authentication.
    public var authentication: Duration
    /// Opening the channel, running the script and reading its output.
    public var execution: Duration
    /// The whole run, start to finish.
    public var total: Duration

    /// Creates a timing record.
    public init(
        connect: Duration = .zero, handshake: Duration = .zero, authentication: Duration = .zero,
        execution: Duration = .zero, total: Duration = .zero
    ) {
        self.connect = connect
        self.handshake = handshake
        self.authentication = authentication
        self.execution = execution
        self.total = total
    }
}

import CLibSSH2
import DashboardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One probe run over SSH, start to finish, on the calling (dedicated, blocking) thread:
/// connect, handshake, host-key check, authentication, exec, output, exit status.
///
/// libssh2 runs non-blocking and every wait is a `poll()` on the socket bounded by one
/// deadline, so a server that stops talking at any point costs at most the probe timeout.
struct SSHProbe: Sendable {
    let script: [UInt8]
    let server: ServerConfig
    let settings: SSHConnectionSettings
    let knownHosts: KnownHostsStore
    let cancellation: CancellationFlag

    /// Runs the probe, returning its output or why it failed.
    func run() -> Result<ExecResult, RemoteExecError> {
        Result { () throws(RemoteExecError) in try execute() }
    }

    private var host: HostIdentity {
        HostIdentity(host: server.host, address: server.connectAddress, port: server.port)
    }

    private func execute() throws(RemoteExecError) -> ExecResult {
        let start = MonotonicClock.now()
        let deadline = Deadline(after: settings.probeTimeout, from: start)
        let host = self.host
        guard let username = server.username, !username.isEmpty else {
            throw RemoteExecError(kind: .authentication, message: "\(host.display): no user name configured (SERVERn_USERNAME)")
        }
        guard server.keyFile != nil || server.password != nil else {
            throw RemoteExecError(kind: .authentication, message: "\(host.display): no key file or password configured (SERVERn_KEY_FILE or SERVERn_PASSWORD)")
        }
        let preferred = settings.hostKeyPolicy == .off ? nil : try knownHosts.knownAlgorithm(for: host.lookupNames)

        let socket = try TCPConnector.connect(
            host: server.connectAddress, port: server.port, display: host.display,
            deadline: .earliest(deadline, Deadline(after: settings.connectTimeout, from: start)),
            timeout: min(settings.connectTimeout, settings.probeTimeout), cancellation: cancellation)
        let connected = MonotonicClock.now()

        let session = try SSHSession(socket: socket)
        do throws(RemoteExecError) {
            var io = SessionIO(session: session, deadline: deadline, cancellation: cancellation, display: host.display, timeout: settings.probeTimeout)
            try session.setPreference(LIBSSH2_METHOD_KEX, LibSSH2.keyExchangePreference)
            try session.setPreference(LIBSSH2_METHOD_HOSTKEY, LibSSH2.hostKeyPreference(first: preferred))

            io.stage = .handshake
            let handshake = try io.retry { libssh2_session_handshake(session.handle, socket.rawValue) }
            if handshake != 0 { throw io.failure(handshake, doing: "SSH handshake") }
            let hostKey = try PresentedHostKey.read(from: session, display: host.display)
            let outcome = try knownHosts.verify(hostKey, host: host, serverName: server.name, policy: settings.hostKeyPolicy)
            let handshaken = MonotonicClock.now()

            io.stage = .authentication
            try authenticate(&io, username: username)
            let authenticated = MonotonicClock.now()

            io.stage = .execution
            var output = try runScript(&io)
            session.disconnectWithoutWaiting()
            let finished = MonotonicClock.now()
            output.hostKey = outcome
            output.timings = ExecTimings(
                connect: MonotonicClock.duration(from: start, to: connected),
                handshake: MonotonicClock.duration(from: connected, to: handshaken),
                authentication: MonotonicClock.duration(from: handshaken, to: authenticated),
                execution: MonotonicClock.duration(from: authenticated, to: finished),
                total: MonotonicClock.duration(from: start, to: finished))
            return output
        } catch {
            // Nothing more is wanted from this server: make every pending libssh2 wait fail at once.
            session.abandonConnection()
            throw error
        }
    }

    // MARK: - Authentication

    /// Tries the key file, then the password; fails with every reason when neither is accepted.
    private func authenticate(_ io: inout SessionIO, username: String) throws(RemoteExecError) {
        let session = io.session
        var reasons: [String] = []
        if let keyFile = server.keyFile {
            switch PrivateKeyFile.load(path: SSHConnectionSettings.expandingTilde(in: keyFile)) {
            case .failure(let problem):
                reasons.append(problem.description)
            case .success(let key):
                if let reason = try authenticate(&io, username: username, key: key) {
                    reasons.append(reason)
                } else {
                    return
                }
            }
        }
        if let password = server.password {
            let attempt: Result<Int32, RemoteExecError> = password.reveal().withCString { secret in
                Result { () throws(RemoteExecError) in
                    try io.retry { shim_libssh2_userauth_password(session.handle, username, secret) }
                }
            }
            let rc = try attempt.get()
            if rc == 0 { return }
            if Self.isConnectionLoss(rc) { throw io.failure(rc, doing: "authentication") }
            if rc == LIBSSH2_ERROR_PASSWORD_EXPIRED {
                reasons.append("the password of user \(username) has expired")
            } else {
                reasons.append("the server refused the password for user \(username) (libssh2: \(session.lastErrorMessage))")
            }
        }
        throw RemoteExecError(kind: .authentication, message: "\(io.display): authentication failed: " + reasons.joined(separator: "; "))
    }

    /// Logs in with `key`; nil on success, else why the key did not work.
    private func authenticate(_ io: inout SessionIO, username: String, key: PrivateKeyFile) throws(RemoteExecError) -> String? {
        let session = io.session
        let passphrase = server.keyPassphrase?.reveal()
        let attempt: Result<Int32, RemoteExecError> = key.contents.withUnsafeBufferPointer { privateKey in
            Result { () throws(RemoteExecError) in
                try io.retry {
                    if let publicKey = key.publicKey {
                        return libssh2_userauth_publickey_frommemory(
                            session.handle, username, username.utf8.count, publicKey, publicKey.utf8.count,
                            privateKey.baseAddress, privateKey.count - 1, passphrase)
                    }
                    return shim_libssh2_userauth_publickey_fromfile(session.handle, username, nil, key.path, passphrase)
                }
            }
        }
        let rc = try attempt.get()
        if rc == 0 { return nil }
        if Self.isConnectionLoss(rc) { throw io.failure(rc, doing: "authentication") }
        let detail = session.lastErrorMessage
        // A key that cannot be decrypted fails while loading (no public key at hand) or, when
        // libssh2 was given the public key, in its signing callback.
        if rc == LIBSSH2_ERROR_FILE || detail.contains("Callback returned error") {
            let hint =
                server.keyPassphrase == nil
                ? "is it protected by a passphrase (SERVERn_KEY_PASSPHRASE)?"
                : "is the passphrase (SERVERn_KEY_PASSPHRASE) right?"
            return "key file \(key.path) could not be loaded (libssh2: \(detail)); \(hint)"
        }
        var reason = "the server refused key \(key.path) for user \(username) (libssh2: \(detail))"
        if !LibSSH2.signsRSAWithSHA2, key.algorithm == "ssh-rsa" {
            reason +=
                "; it is an RSA key, and libssh2 \(LibSSH2.version) signs RSA keys only with ssh-rsa (SHA-1), which OpenSSH 8.8 and later refuse by default: use an ed25519 or ECDSA key, or libssh2 1.11 or later"
        }
        return reason
    }

    // MARK: - Exec

    /// Opens a channel, runs the remote command with the script on its standard input and
    /// collects both output streams until the channel closes.
    private func runScript(_ io: inout SessionIO) throws(RemoteExecError) -> ExecResult {
        let session = io.session
        let opened = try io.retryPointer { shim_libssh2_channel_open_session(session.handle) }
        guard let handle = opened.pointer else { throw io.failure(opened.code, doing: "opening a session channel", kind: .execFailed) }
        let channel = SSHChannel(handle: handle, session: session)

        let command = settings.remoteCommand
        let started = try io.retry { shim_libssh2_channel_exec(channel.handle, command) }
        if started != 0 { throw io.failure(started, doing: "starting `\(command)`", kind: .execFailed) }

        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        let limit = settings.outputLimit
        let bufferSize = 32 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        let chars = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)

        var written = 0
        var eofSent = false
        while true {
            var progressed = false
            var wantsWrite = false
            if written < script.count {
                let count = script.withUnsafeBytes { bytes in
                    shim_libssh2_channel_write(
                        channel.handle, bytes.baseAddress!.advanced(by: written).assumingMemoryBound(to: CChar.self),
                        bytes.count - written)
                }
                if count > 0 {
                    written += count
                    progressed = true
                } else if count == Int(LIBSSH2_ERROR_EAGAIN) {
                    wantsWrite = session.blockDirections & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0
                } else if count < 0 {
                    // The command stopped reading (it exited early): keep collecting what it printed.
                    if Self.isConnectionLoss(Int32(count)) { throw io.failure(Int32(count), doing: "sending the script") }
                    written = script.count
                    eofSent = true
                }
            } else if !eofSent {
                let rc = libssh2_channel_send_eof(channel.handle)
                if rc == 0 {
                    eofSent = true
                    progressed = true
                } else if rc == LIBSSH2_ERROR_EAGAIN {
                    wantsWrite = session.blockDirections & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0
                } else if Self.isConnectionLoss(rc) {
                    throw io.failure(rc, doing: "sending the script")
                } else {
                    eofSent = true
                }
            }
            for stream in [Int32(0), SSH_EXTENDED_DATA_STDERR] {
                while true {
                    let count = libssh2_channel_read_ex(channel.handle, stream, chars, bufferSize)
                    guard count > 0 else {
                        if count < 0 && count != Int(LIBSSH2_ERROR_EAGAIN) {
                            throw io.failure(Int32(count), doing: "reading the output")
                        }
                        break
                    }
                    if stdout.count + stderr.count + count > limit {
                        throw RemoteExecError(
                            kind: .outputTooLarge,
                            message:
                                "\(io.display): the probe printed more than the \(Self.byteCountText(limit)) output limit (standard output and error together); output discarded"
                        )
                    }
                    let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: count)
                    if stream == 0 { stdout.append(contentsOf: bytes) } else { stderr.append(contentsOf: bytes) }
                    progressed = true
                }
            }
            if libssh2_channel_eof(channel.handle) == 1 { break }
            if !progressed { try io.waitForSocket(alsoWritable: wantsWrite) }
        }

        // OpenSSH may send EOF before the exit status (EOF when the command's output closes,
        // the status when it is reaped), but always sends the status before its CLOSE: so
        // close our side and wait for the server's close before reading the status.
        let closed = try io.retry { libssh2_channel_close(channel.handle) }
        if closed != 0 && Self.isConnectionLoss(closed) { throw io.failure(closed, doing: "closing the channel") }
        if closed == 0 {
            let waited = try io.retry { libssh2_channel_wait_closed(channel.handle) }
            if waited != 0 && Self.isConnectionLoss(waited) { throw io.failure(waited, doing: "waiting for the channel to close") }
        }

        var exitStatus = libssh2_channel_get_exit_status(channel.handle)
        var signalName: String?
        var signal: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        if libssh2_channel_get_exit_signal(channel.handle, &signal, &signalLength, nil, nil, nil, nil) == 0, let signal {
            if signalLength > 0 {
                let name = String(decoding: UnsafeRawBufferPointer(start: signal, count: signalLength), as: UTF8.self)
                signalName = name
                exitStatus = 128 + (Self.signalNumbers[name] ?? 127)
            }
            libssh2_free(session.handle, signal)
        }
        return ExecResult(stdout: stdout, stderr: stderr, exitStatus: exitStatus, exitSignal: signalName, hostKey: .notApplicable, timings: ExecTimings())
    }

    private static let signalNumbers: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8, "KILL": 9,
        "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
    ]

    static func byteCountText(_ count: Int) -> String {
        if count >= 1 << 20 && count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10 && count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count)-byte"
    }

    /// Whether a libssh2 result means the connection itself is gone.
    static func isConnectionLoss(_ code: Int32) -> Bool {
        code == LIBSSH2_ERROR_SOCKET_DISCONNECT || code == LIBSSH2_ERROR_SOCKET_RECV
            || code == LIBSSH2_ERROR_SOCKET_SEND || code == LIBSSH2_ERROR_BANNER_RECV
            || code == LIBSSH2_ERROR_SOCKET_TIMEOUT
    }
}

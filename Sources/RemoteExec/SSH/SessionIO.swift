import CLibSSH2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Drives non-blocking libssh2 calls: retries on `EAGAIN`, waiting with `poll()` on the
/// socket in the direction libssh2 is blocked on, never past the deadline.
struct SessionIO {
    /// What the run was doing, for timeout messages.
    enum Stage {
        case handshake, authentication, execution

        var timeoutText: String {
            switch self {
            case .handshake: return "during the SSH handshake (the server accepted the TCP connection but did not complete the SSH handshake)"
            case .authentication: return "during authentication"
            case .execution: return "while the probe ran (it had not finished)"
            }
        }
    }

    /// The session being driven.
    let session: SSHSession
    /// When the whole run must be over.
    let deadline: Deadline
    /// Set when the awaiting task is cancelled.
    let cancellation: CancellationFlag
    /// `host:port` for messages.
    let display: String
    /// The probe timeout, for messages.
    let timeout: Duration
    /// The current stage, for messages.
    var stage: Stage = .handshake

    /// Calls `operation` until it returns something other than `LIBSSH2_ERROR_EAGAIN`.
    func retry(_ operation: () -> Int32) throws(RemoteExecError) -> Int32 {
        while true {
            let rc = operation()
            if rc != LIBSSH2_ERROR_EAGAIN { return rc }
            try waitForSocket()
        }
    }

    /// Calls a pointer-returning `operation` until it succeeds or fails with something other
    /// than `EAGAIN`; on failure the pointer is nil and `code` is libssh2's error.
    func retryPointer(_ operation: () -> OpaquePointer?) throws(RemoteExecError) -> (pointer: OpaquePointer?, code: Int32) {
        while true {
            if let pointer = operation() { return (pointer, 0) }
            let code = session.lastErrorCode
            if code != LIBSSH2_ERROR_EAGAIN { return (nil, code) }
            try waitForSocket()
        }
    }

    /// Waits until the socket is ready in the direction libssh2 last blocked on (readable when
    /// it does not say), plus writable when `alsoWritable`.
    func waitForSocket(alsoWritable: Bool = false) throws(RemoteExecError) {
        let directions = session.blockDirections
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 || alsoWritable { events |= Int16(POLLOUT) }
        if events == 0 || stage == .execution { events |= Int16(POLLIN) }
        var descriptor = pollfd(fd: session.socket.rawValue, events: events, revents: 0)
        while true {
            if cancellation.isCancelled {
                throw RemoteExecError(kind: .cancelled, message: "\(display): cancelled before the probe finished")
            }
            // Wake at least twice a second to notice cancellation.
            let wait = deadline.pollTimeout(cap: 500)
            if wait == 0 {
                throw RemoteExecError(kind: .timeout, message: "\(display): timed out after \(timeout.secondsText) \(stage.timeoutText)")
            }
            let ready = poll(&descriptor, 1, wait)
            if ready > 0 {
                #if os(Linux)
                    // sshd leaves Nagle on for non-interactive sessions, so each of its small
                    // packets waits for our ACK, which Linux delays up to 40 ms. Acknowledging at
                    // once (the kernel drops back to delayed ACKs, hence on every wake) took
                    // `echo hi` from ~95 ms to ~45 ms on loopback.
                    var one: Int32 = 1
                    _ = setsockopt(session.socket.rawValue, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
                #endif
                return
            }
            if ready < 0 && errno != EINTR {
                throw RemoteExecError(kind: .protocolError, message: "\(display): waiting on the SSH socket failed: \(systemErrorText(errno))")
            }
        }
    }

    /// The error for a failed libssh2 call, with libssh2's own message.
    func failure(_ code: Int32, doing action: String, kind: RemoteExecError.Kind = .protocolError) -> RemoteExecError {
        let detail = session.lastErrorMessage
        if code == LIBSSH2_ERROR_BANNER_RECV {
            return RemoteExecError(
                kind: .connectionLost,
                message:
                    "\(display): no SSH greeting: the server closed the connection or sent something else (libssh2: \(detail)); is an SSH server listening on this port, and is it refusing new connections (MaxStartups)?"
            )
        }
        if SSHProbe.isConnectionLoss(code) {
            return RemoteExecError(kind: .connectionLost, message: "\(display): the server closed the connection during \(action) (libssh2: \(detail))")
        }
        var message = "\(display): \(action) failed (libssh2: \(detail))"
        if code == LIBSSH2_ERROR_KEX_FAILURE || code == LIBSSH2_ERROR_METHOD_NONE || code == LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE {
            message +=
                "; the server and libssh2 \(LibSSH2.version) share no key exchange or host key algorithm (libssh2 1.10 cannot use RSA host keys with SHA-2: give the server an ed25519 or ECDSA host key)"
        }
        return RemoteExecError(kind: kind, message: message)
    }
}

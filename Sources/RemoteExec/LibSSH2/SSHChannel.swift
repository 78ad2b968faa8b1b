import CLibSSH2

/// The one owner of a `LIBSSH2_CHANNEL`; it keeps its session alive.
final class SSHChannel {
    /// The libssh2 handle; valid for the owner's lifetime.
    let handle: OpaquePointer
    /// The session the channel belongs to.
    let session: SSHSession

    /// Takes ownership of a channel opened on `session`.
    init(handle: OpaquePointer, session: SSHSession) {
        self.handle = handle
        self.session = session
    }

    deinit {
        // A channel that was not closed cleanly would wait for the server's close message;
        // shutting the socket down turns that wait into an immediate error so the free completes.
        if libssh2_channel_free(handle) == LIBSSH2_ERROR_EAGAIN {
            session.abandonConnection()
            _ = libssh2_channel_free(handle)
        }
    }
}

import CLibSSH2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one owner of a non-blocking `LIBSSH2_SESSION` and the TCP socket under it.
///
/// Freed (session first, then the socket) when the last reference goes; channels hold their
/// session, so a session always outlives its channels.
final class SSHSession {
    /// The libssh2 handle; valid for the owner's lifetime.
    let handle: OpaquePointer
    /// The connected socket the session speaks over.
    let socket: FileDescriptor

    /// Creates a non-blocking session over a connected socket, taking ownership of it.
    init(socket: FileDescriptor) throws(RemoteExecError) {
        try LibSSH2.initialise()
        guard let handle = shim_libssh2_session_init() else {
            throw RemoteExecError(kind: .protocolError, message: "libssh2 could not create a session (out of memory)")
        }
        self.handle = handle
        self.socket = socket
        libssh2_session_set_blocking(handle, 0)
    }

    /// Sets the preferred methods of one kind (`LIBSSH2_METHOD_*`); libssh2 drops names it does not support.
    func setPreference(_ methodType: Int32, _ preference: String) throws(RemoteExecError) {
        let rc = libssh2_session_method_pref(handle, methodType, preference)
        guard rc == 0 else {
            throw RemoteExecError(kind: .protocolError, message: "libssh2 rejected the method preference \(preference): \(lastErrorMessage)")
        }
    }

    /// libssh2's text for the last error on this session.
    var lastErrorMessage: String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        _ = libssh2_session_last_error(handle, &message, &length, 0)
        guard let message, length > 0 else { return "no detail from libssh2" }
        return String(decoding: UnsafeRawBufferPointer(start: message, count: Int(length)), as: UTF8.self)
    }

    /// libssh2's code for the last error on this session.
    var lastErrorCode: Int32 { libssh2_session_last_errno(handle) }

    /// Which way the last `EAGAIN` was waiting: `LIBSSH2_SESSION_BLOCK_INBOUND` / `_OUTBOUND` bits.
    var blockDirections: Int32 { libssh2_session_block_directions(handle) }

    /// The server's host key: raw blob and `LIBSSH2_HOSTKEY_TYPE_*`, after the handshake.
    func hostKey() -> (blob: [UInt8], type: Int32)? {
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(handle, &length, &type), length > 0 else { return nil }
        let blob = [UInt8](UnsafeRawBufferPointer(start: key, count: length))
        return (blob, type)
    }

    /// The SHA-256 of the host key, after the handshake.
    func hostKeySHA256() -> [UInt8]? {
        guard let hash = libssh2_hostkey_hash(handle, LIBSSH2_HOSTKEY_HASH_SHA256) else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: hash, count: 32))
    }

    /// Says goodbye to the server if that can be done without waiting.
    func disconnectWithoutWaiting() {
        _ = shim_libssh2_session_disconnect(handle, "probe finished")
    }

    /// Shuts the socket down so no libssh2 call can wait on it any more; later calls fail at once.
    func abandonConnection() {
        if socket.isOpen { _ = shutdown(socket.rawValue, Int32(SHUT_RDWR)) }
    }

    deinit {
        if libssh2_session_free(handle) == LIBSSH2_ERROR_EAGAIN {
            abandonConnection()
            _ = libssh2_session_free(handle)
        }
        // `socket` closes after this body, once the session no longer uses it.
    }
}

import CLibSSH2
import DashboardCore

/// Reads the host key a server presents, on the calling (dedicated, blocking) thread: TCP
/// connect and SSH handshake only, never authentication, each bounded by the connect timeout.
struct HostKeyFetch: Sendable {
    let server: ServerConfig
    let settings: SSHConnectionSettings
    let knownHosts: KnownHostsStore
    let cancellation: CancellationFlag

    /// The server's address and names as `known_hosts` knows them.
    var host: HostIdentity { HostIdentity(host: server.host, address: server.connectAddress, port: server.port) }

    /// Connects, shakes hands and returns the presented key, or why that failed.
    func run() -> Result<PresentedHostKey, RemoteExecError> {
        Result { () throws(RemoteExecError) in try fetch() }
    }

    private func fetch() throws(RemoteExecError) -> PresentedHostKey {
        let host = self.host
        // Ask for the key type on record first, as a collection would, so a host known by its
        // ECDSA key is compared on that key.
        let preferred = try knownHosts.knownAlgorithm(for: host.lookupNames)
        let socket = try TCPConnector.connect(
            host: server.connectAddress, port: server.port, display: host.display, deadline: Deadline(after: settings.connectTimeout),
            timeout: settings.connectTimeout, cancellation: cancellation)
        let session = try SSHSession(socket: socket)
        do throws(RemoteExecError) {
            let io = SessionIO(
                session: session, deadline: Deadline(after: settings.connectTimeout), cancellation: cancellation, display: host.display,
                timeout: settings.connectTimeout)
            try session.setPreference(LIBSSH2_METHOD_KEX, LibSSH2.keyExchangePreference)
            try session.setPreference(LIBSSH2_METHOD_HOSTKEY, LibSSH2.hostKeyPreference(first: preferred))
            let handshake = try io.retry { libssh2_session_handshake(session.handle, socket.rawValue) }
            if handshake != 0 { throw io.failure(handshake, doing: "SSH handshake") }
            let key = try PresentedHostKey.read(from: session, display: host.display)
            session.disconnectWithoutWaiting()
            return key
        } catch {
            session.abandonConnection()
            throw error
        }
    }
}

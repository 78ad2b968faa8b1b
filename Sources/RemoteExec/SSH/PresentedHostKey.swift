import Foundation

/// The host key a server presented in the handshake.
struct PresentedHostKey {
    /// The raw key blob.
    let blob: [UInt8]
    /// Its algorithm.
    let algorithm: HostKeyAlgorithm
    /// `SHA256:…` as OpenSSH prints it.
    let fingerprint: String

    /// The blob in base64, as `known_hosts` holds it.
    var base64: String { Data(blob).base64EncodedString() }

    /// `SHA256:` and the unpadded base64 of a SHA-256 digest, as OpenSSH prints fingerprints.
    static func fingerprint(sha256: [UInt8]) -> String {
        var text = Data(sha256).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }
}

extension PresentedHostKey {
    /// The key `session` received in its handshake.
    static func read(from session: SSHSession, display: String) throws(RemoteExecError) -> PresentedHostKey {
        guard let (blob, type) = session.hostKey(), let sha256 = session.hostKeySHA256() else {
            throw RemoteExecError(kind: .protocolError, message: "\(display): the server's host key could not be read: \(session.lastErrorMessage)")
        }
        guard let algorithm = HostKeyAlgorithm(hostKeyType: type) else {
            throw RemoteExecError(kind: .protocolError, message: "\(display): the server's host key has a type libssh2 does not know (\(type))")
        }
        return PresentedHostKey(blob: blob, algorithm: algorithm, fingerprint: fingerprint(sha256: sha256))
    }
}

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

import CLibSSH2

/// Process-wide libssh2 facts and its one-time initialisation.
enum LibSSH2 {
    /// `libssh2_init` runs once, the first time any session is made (Swift guards `static let`).
    private static let initialisation: Int32 = libssh2_init(0)

    /// Initialises libssh2 once; later calls return at once.
    static func initialise() throws(RemoteExecError) {
        guard initialisation == 0 else {
            throw RemoteExecError(kind: .protocolError, message: "libssh2 could not initialise its crypto backend (libssh2_init returned \(initialisation))")
        }
    }

    /// The version of the libssh2 the process runs with, e.g. `1.10.0`.
    static let version: String = libssh2_version(0).map { String(cString: $0) } ?? "unknown"

    /// Whether this libssh2 signs RSA user keys with rsa-sha2-256/512 (1.11 and later); 1.10 uses
    /// only ssh-rsa (SHA-1), which OpenSSH 8.8 and later refuse by default.
    static let signsRSAWithSHA2: Bool = libssh2_version(0x01_0B_00) != nil

    /// Key exchange methods, in OpenSSH's client order (minus the post-quantum hybrid libssh2 lacks):
    /// curve25519 first, the cheapest for both sides.
    static let keyExchangePreference = [
        "curve25519-sha256", "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
        "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256",
    ].joined(separator: ",")

    /// Host key algorithms by preference: ed25519 first (libssh2 1.10 would otherwise pick ECDSA).
    static let hostKeyAlgorithms = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
    ]

    /// `hostKeyAlgorithms` with `preferred` (the algorithm on record for the host) moved first,
    /// comma-separated for `libssh2_session_method_pref`.
    static func hostKeyPreference(first preferred: HostKeyAlgorithm?) -> String {
        var order = hostKeyAlgorithms
        if let preferred, let index = order.firstIndex(of: preferred.name) {
            order.insert(order.remove(at: index), at: 0)
        }
        return order.joined(separator: ",")
    }
}

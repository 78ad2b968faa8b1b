import CLibSSH2

/// A host key algorithm as libssh2 reports it, with its names in the places it appears.
struct HostKeyAlgorithm: Equatable {
    /// The name in SSH and in `known_hosts`: `ssh-ed25519`, `ecdsa-sha2-nistp256`, …
    let name: String
    /// The `LIBSSH2_KNOWNHOST_KEY_*` bits for known-hosts checks.
    let knownHostMask: Int32

    /// The algorithm of a `LIBSSH2_HOSTKEY_TYPE_*` value, nil when libssh2 does not know it.
    init?(hostKeyType: Int32) {
        switch hostKeyType {
        case LIBSSH2_HOSTKEY_TYPE_ED25519: self.init("ssh-ed25519", LIBSSH2_KNOWNHOST_KEY_ED25519)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: self.init("ecdsa-sha2-nistp256", LIBSSH2_KNOWNHOST_KEY_ECDSA_256)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: self.init("ecdsa-sha2-nistp384", LIBSSH2_KNOWNHOST_KEY_ECDSA_384)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: self.init("ecdsa-sha2-nistp521", LIBSSH2_KNOWNHOST_KEY_ECDSA_521)
        case LIBSSH2_HOSTKEY_TYPE_RSA: self.init("ssh-rsa", LIBSSH2_KNOWNHOST_KEY_SSHRSA)
        case LIBSSH2_HOSTKEY_TYPE_DSS: self.init("ssh-dss", LIBSSH2_KNOWNHOST_KEY_SSHDSS)
        default: return nil
        }
    }

    /// The algorithm of a `LIBSSH2_KNOWNHOST_KEY_*` mask, nil for RSA1 and unknown keys.
    init?(knownHostMask mask: Int32) {
        let hostKeyType: Int32
        switch mask & LIBSSH2_KNOWNHOST_KEY_MASK {
        case LIBSSH2_KNOWNHOST_KEY_ED25519: hostKeyType = LIBSSH2_HOSTKEY_TYPE_ED25519
        case LIBSSH2_KNOWNHOST_KEY_ECDSA_256: hostKeyType = LIBSSH2_HOSTKEY_TYPE_ECDSA_256
        case LIBSSH2_KNOWNHOST_KEY_ECDSA_384: hostKeyType = LIBSSH2_HOSTKEY_TYPE_ECDSA_384
        case LIBSSH2_KNOWNHOST_KEY_ECDSA_521: hostKeyType = LIBSSH2_HOSTKEY_TYPE_ECDSA_521
        case LIBSSH2_KNOWNHOST_KEY_SSHRSA: hostKeyType = LIBSSH2_HOSTKEY_TYPE_RSA
        case LIBSSH2_KNOWNHOST_KEY_SSHDSS: hostKeyType = LIBSSH2_HOSTKEY_TYPE_DSS
        default: return nil
        }
        self.init(hostKeyType: hostKeyType)
    }

    private init(_ name: String, _ knownHostMask: Int32) {
        self.name = name
        self.knownHostMask = knownHostMask
    }
}

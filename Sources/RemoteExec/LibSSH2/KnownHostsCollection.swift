import CLibSSH2

/// The one owner of a `LIBSSH2_KNOWNHOSTS` collection and of the unconnected session it
/// allocates from, so the parsed file can outlive the SSH sessions it is checked against.
///
/// Not thread-safe: `KnownHostsStore` serialises every use.
final class KnownHostsCollection {
    /// The outcome of one lookup.
    enum Lookup: Equatable {
        /// An entry for the name holds this very key.
        case match
        /// An entry for the name of this key type holds a different key: its base64 text.
        case mismatch(recorded: String)
        /// No entry for the name has a key of this type.
        case notFound
    }

    /// A key on record: its algorithm and its base64 text as the file holds it.
    struct Entry: Equatable {
        /// The algorithm of the recorded key.
        let algorithm: HostKeyAlgorithm
        /// The recorded key, base64.
        let base64: String
    }

    private let session: OpaquePointer
    private let hosts: OpaquePointer

    /// Creates an empty collection.
    init() throws(RemoteExecError) {
        try LibSSH2.initialise()
        guard let session = shim_libssh2_session_init() else {
            throw RemoteExecError(kind: .protocolError, message: "libssh2 could not create a session (out of memory)")
        }
        guard let hosts = libssh2_knownhost_init(session) else {
            libssh2_session_free(session)
            throw RemoteExecError(kind: .protocolError, message: "libssh2 could not create a known-hosts collection (out of memory)")
        }
        self.session = session
        self.hosts = hosts
    }

    deinit {
        libssh2_knownhost_free(hosts)
        libssh2_session_free(session)
    }

    /// Adds one line of an OpenSSH `known_hosts` file (plain, `[host]:port` or hashed `|1|…`
    /// names); false when libssh2 cannot read it (markers, key types it does not know).
    func add(line: UnsafeRawBufferPointer) -> Bool {
        guard !line.isEmpty else { return true }
        // libssh2 looks one byte past the key for a newline and scans for a NUL: hand it a
        // copy that ends in both.
        var terminated = [CChar](repeating: 0, count: line.count + 2)
        terminated.withUnsafeMutableBytes { $0.copyMemory(from: line) }
        terminated[line.count] = 0x0A
        return libssh2_knownhost_readline(hosts, terminated, line.count + 1, LIBSSH2_KNOWNHOST_FILE_OPENSSH) == 0
    }

    /// Looks up `name` (already in `known_hosts` form: `host` or `[host]:port`) with `key` of
    /// `algorithm`.
    func lookup(name: String, key: [UInt8], algorithm: HostKeyAlgorithm) -> Lookup {
        let typeMask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | algorithm.knownHostMask
        // `check` (not `checkp`): the name is already formatted as OpenSSH looks it up, so a
        // plain `host` entry is not taken for `[host]:2222` the way `checkp` would.
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        let result = key.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                libssh2_knownhost_check(hosts, name, chars.baseAddress, chars.count, typeMask, &entry)
            }
        }
        switch result {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH: return .match
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH: return .mismatch(recorded: entry?.pointee.key.map { String(cString: $0) } ?? "")
        default: return .notFound
        }
    }

    /// The key algorithm of the first entry for `name`, whatever its key; nil when there is none.
    func knownAlgorithm(name: String) -> HostKeyAlgorithm? {
        firstEntry(name: name)?.algorithm
    }

    /// The first entry for `name` whose key type libssh2 knows, whatever its key; nil when there is none.
    func firstEntry(name: String) -> Entry? {
        // Key type 0 matches entries of every type; a key no entry can hold then reports the
        // first entry for the name as a mismatch, which tells its type and key.
        let typeMask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        let probe: [CChar] = [0]
        let result = libssh2_knownhost_check(hosts, name, probe, probe.count, typeMask, &entry)
        guard result == LIBSSH2_KNOWNHOST_CHECK_MISMATCH, let entry, let algorithm = HostKeyAlgorithm(knownHostMask: entry.pointee.typemask)
        else { return nil }
        return Entry(algorithm: algorithm, base64: entry.pointee.key.map { String(cString: $0) } ?? "")
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One known-hosts file, parsed once and re-read only when it changes on disk, shared by
/// every session of a runner. Lookups and appends are serialised by a lock.
final class KnownHostsStore: @unchecked Sendable {
    /// The file's path.
    let path: String

    private struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    private let lock = NSLock()
    private var collection: KnownHostsCollection?
    /// nil while the file does not exist (or before the first read).
    private var identity: FileIdentity?
    private var loaded = false
    /// Base64 keys listed under `@revoked`: never accepted.
    private var revokedKeys: Set<String> = []
    /// Lines libssh2 could not read (markers such as `@cert-authority`, unknown key types).
    private(set) var skippedLines = 0

    /// A store for the file at `path`; nothing is read until the first lookup.
    init(path: String) {
        self.path = path
    }

    /// The key algorithm on record for any of `names`, used to ask the server for that key first.
    func knownAlgorithm(for names: [String]) throws(RemoteExecError) -> HostKeyAlgorithm? {
        lock.lock()
        defer { lock.unlock() }
        try refreshLocked()
        guard let collection else { return nil }
        for name in names {
            if let algorithm = collection.knownAlgorithm(name: name) { return algorithm }
        }
        return nil
    }

    /// What the file says about a presented key.
    enum Status: Equatable {
        /// An entry for one of the host's names holds this key.
        case trusted
        /// The key is listed under `@revoked`.
        case revoked
        /// An entry for `name` holds `recorded`, another key of the same type, or (when
        /// `sameAlgorithm` is false) only a key of a type the server did not present.
        case changed(recorded: KnownHostsCollection.Entry, name: String, sameAlgorithm: Bool)
        /// No entry for any of the host's names.
        case unknown
    }

    /// What the file holds for `host` about `key`, re-reading the file when it changed.
    func status(of key: PresentedHostKey, host: HostIdentity) throws(RemoteExecError) -> Status {
        lock.lock()
        defer { lock.unlock() }
        try refreshLocked()
        return statusLocked(of: key, host: host)
    }

    /// Appends `key` for `host` when the file (re-read under the lock) does not know the host
    /// yet; returns what the file said before, so `.unknown` means the key was added.
    func addIfUnknown(_ key: PresentedHostKey, host: HostIdentity) throws(RemoteExecError) -> Status {
        lock.lock()
        defer { lock.unlock() }
        try refreshLocked()
        let status = statusLocked(of: key, host: host)
        if status == .unknown { try appendLocked(line: Self.entryLine(key, host: host)) }
        return status
    }

    /// The line recorded for a newly trusted key: `name algorithm base64` and a newline.
    static func entryLine(_ key: PresentedHostKey, host: HostIdentity) -> String {
        "\(host.primaryName) \(key.algorithm.name) \(key.base64)\n"
    }

    private func statusLocked(of key: PresentedHostKey, host: HostIdentity) -> Status {
        if revokedKeys.contains(key.base64) { return .revoked }
        guard let collection else { return .unknown }
        var changed: Status?
        var otherAlgorithm: Status?
        for name in host.lookupNames {
            switch collection.lookup(name: name, key: key.blob, algorithm: key.algorithm) {
            case .match: return .trusted
            case .mismatch(let recorded):
                if changed == nil {
                    changed = .changed(recorded: .init(algorithm: key.algorithm, base64: recorded), name: name, sameAlgorithm: true)
                }
            case .notFound:
                if otherAlgorithm == nil, let entry = collection.firstEntry(name: name) {
                    otherAlgorithm = .changed(recorded: entry, name: name, sameAlgorithm: false)
                }
            }
        }
        return changed ?? otherAlgorithm ?? .unknown
    }

    /// Checks the server's key against the file under `policy`, appending it when the policy
    /// is `accept-new` and the host is unknown. `serverName` (the inventory name) goes into the
    /// messages' `collector trust` advice.
    func verify(_ key: PresentedHostKey, host: HostIdentity, serverName: String, policy: HostKeyPolicy) throws(RemoteExecError) -> HostKeyOutcome {
        if policy == .off { return .unchecked(fingerprint: key.fingerprint) }
        lock.lock()
        defer { lock.unlock() }
        try refreshLocked()

        let trustCommand = "`\(HostKeyTrust.trustCommand(for: serverName))`"
        switch statusLocked(of: key, host: host) {
        case .trusted:
            return .verified(fingerprint: key.fingerprint)
        case .revoked:
            throw RemoteExecError(
                kind: .hostKeyChanged,
                message: "\(host.display): the server presented \(key.algorithm.name) key \(key.fingerprint), which \(path) marks @revoked; refusing to connect"
            )
        case .changed(let recorded, let name, let sameAlgorithm):
            let removeHint =
                "if the server was really reinstalled, remove the old entry with `ssh-keygen -R \(shellQuoted(name)) -f \(shellQuoted(path))`, then check and trust the new key with \(trustCommand)"
            let what =
                sameAlgorithm
                ? "the server presented \(key.algorithm.name) key \(key.fingerprint), which does not match the key for \(name) in \(path)"
                : "\(path) holds a \(recorded.algorithm.name) key for \(name), but the server offered only \(key.algorithm.name) key \(key.fingerprint)"
            throw RemoteExecError(
                kind: .hostKeyChanged,
                message: "\(host.display): HOST KEY CHANGED: \(what). Someone may be intercepting the connection; \(removeHint)"
            )
        case .unknown:
            break
        }
        guard policy == .acceptNew else {
            let where_ = identity == nil ? "\(path) does not exist" : "it is not in \(path)"
            throw RemoteExecError(
                kind: .hostKeyUnknown,
                message:
                    "\(host.display): unknown host key (\(key.algorithm.name) \(key.fingerprint)); \(where_). Check the fingerprint and trust it with \(trustCommand) (`make trust-hosts` for every server), or set HOST_KEY_POLICY=accept-new to trust new hosts on first use"
            )
        }
        try appendLocked(line: Self.entryLine(key, host: host))
        return .learned(fingerprint: key.fingerprint, knownHostsFile: path)
    }

    // MARK: - File

    private func currentIdentity() throws(RemoteExecError) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw RemoteExecError(kind: .hostKeyUnknown, message: "cannot read known-hosts file \(path): \(systemErrorText(code))")
        }
        return FileIdentity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }

    private func refreshLocked() throws(RemoteExecError) {
        let current = try currentIdentity()
        if loaded && current == identity { return }
        guard current != nil else {
            collection = nil
            identity = nil
            revokedKeys = []
            skippedLines = 0
            loaded = true
            return
        }
        let contents = try readFile()
        let fresh = try KnownHostsCollection()
        var revoked: Set<String> = []
        var skipped = 0
        contents.withUnsafeBytes { raw in
            var lineStart = 0
            while lineStart < raw.count {
                var lineEnd = lineStart
                while lineEnd < raw.count && raw[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                var contentEnd = lineEnd
                if contentEnd > lineStart && raw[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                let line = UnsafeRawBufferPointer(rebasing: raw[lineStart..<contentEnd])
                if line.first == UInt8(ascii: "@") {
                    if let key = Self.revokedKey(in: line) { revoked.insert(key) } else { skipped += 1 }
                } else if !fresh.add(line: line) {
                    skipped += 1
                }
                lineStart = lineEnd + 1
            }
        }
        collection = fresh
        identity = current
        revokedKeys = revoked
        skippedLines = skipped
        loaded = true
    }

    /// The base64 key of an `@revoked host type key` line.
    private static func revokedKey(in line: UnsafeRawBufferPointer) -> String? {
        let fields = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") })
        guard fields.count >= 4, String(decoding: fields[0], as: UTF8.self) == "@revoked" else { return nil }
        return String(decoding: fields[3], as: UTF8.self)
    }

    private func readFile() throws(RemoteExecError) -> [UInt8] {
        let fd = FileDescriptor(open(path, O_RDONLY | O_CLOEXEC))
        guard fd.isOpen else {
            throw RemoteExecError(kind: .hostKeyUnknown, message: "cannot read known-hosts file \(path): \(systemErrorText(errno))")
        }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd.rawValue, $0.baseAddress, $0.count) }
            if count > 0 {
                contents.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return contents
            } else if errno != EINTR {
                throw RemoteExecError(kind: .hostKeyUnknown, message: "cannot read known-hosts file \(path): \(systemErrorText(errno))")
            }
        }
    }

    /// Appends `line` (ending in a newline) to the file, creating the file (mode 600) and its
    /// folder (mode 700) when missing, and to the parsed collection.
    private func appendLocked(line: String) throws(RemoteExecError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw RemoteExecError(
                    kind: .hostKeyUnknown,
                    message: "cannot create the folder of known-hosts file \(path) to record a new host key: \(error.localizedDescription)")
            }
        }
        let fd = FileDescriptor(open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600))
        guard fd.isOpen else {
            throw RemoteExecError(kind: .hostKeyUnknown, message: "cannot record a new host key in \(path): \(systemErrorText(errno))")
        }
        var bytes = Array(line.utf8)
        // Keep a file that lacks a final newline well-formed.
        var info = stat()
        if fstat(fd.rawValue, &info) == 0 && info.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd.rawValue, &last, 1, info.st_size - 1) == 1 && last != UInt8(ascii: "\n") {
                bytes.insert(UInt8(ascii: "\n"), at: 0)
            }
        }
        let sizeBefore = Int64(info.st_size)
        let written = bytes.withUnsafeBytes { write(fd.rawValue, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw RemoteExecError(
                kind: .hostKeyUnknown, message: "cannot record a new host key in \(path): \(written < 0 ? systemErrorText(errno) : "short write")")
        }
        fd.close()
        // Keep the parsed copy without re-reading the file, unless someone else changed it meanwhile.
        let after = try currentIdentity()
        if let before = identity, let after, after.size == sizeBefore + Int64(written), before.size == sizeBefore, let collection {
            var entry = Array(line.utf8)
            if entry.last == UInt8(ascii: "\n") { entry.removeLast() }
            _ = entry.withUnsafeBytes { collection.add(line: $0) }
            identity = after
        } else {
            loaded = false
        }
    }
}

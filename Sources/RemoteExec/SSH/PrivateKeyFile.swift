import Foundation

/// A private key file read into memory, with its public half when it can be had without
/// the passphrase.
///
/// Handing libssh2 the public key matters for passphrase-protected OpenSSH keys: without it,
/// libssh2 decrypts the key (bcrypt, ~130 ms of CPU at ssh-keygen's default 16 rounds) once to
/// derive the public key and again to sign; with it, only to sign.
struct PrivateKeyFile {
    /// Where the key was read from.
    let path: String
    /// The file's bytes followed by a NUL (libssh2 measures the key with `strlen` when signing).
    let contents: [CChar]
    /// `algorithm base64-blob`, as in a `.pub` file: from the unencrypted header of an
    /// OpenSSH-format key, else from the `.pub` file beside it.
    let publicKey: String?
    /// The key's SSH algorithm (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …) when known.
    let algorithm: String?

    /// The largest key file accepted (an RSA 16384-bit key is about 13 KB).
    static let maximumSize = 64 * 1024

    /// Reads the key at `path`, or says why it cannot be read.
    static func load(path: String) -> Result<PrivateKeyFile, KeyFileProblem> {
        let bytes: [UInt8]
        switch readSmallFile(path) {
        case .success(let contents): bytes = contents
        case .failure(let problem): return .failure(problem)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var publicKey: String?
        var algorithm: String?
        if text.contains("BEGIN OPENSSH PRIVATE KEY"),
            let blob = openSSHPublicKeyBlob(text), let name = sshString(blob, at: 0)
        {
            algorithm = String(decoding: name, as: UTF8.self)
            publicKey = "\(algorithm!) \(Data(blob).base64EncodedString())"
        } else if let line = try? String(contentsOfFile: path + ".pub", encoding: .utf8),
            let first = line.split(separator: "\n").first
        {
            let fields = first.split(separator: " ")
            if fields.count >= 2 {
                algorithm = String(fields[0])
                publicKey = "\(fields[0]) \(fields[1])"
            }
        }
        if algorithm == nil {
            if text.contains("BEGIN RSA PRIVATE KEY") {
                algorithm = "ssh-rsa"
            } else if text.contains("BEGIN EC PRIVATE KEY") {
                algorithm = "ecdsa-sha2"
            } else if text.contains("BEGIN DSA PRIVATE KEY") {
                algorithm = "ssh-dss"
            }
        }
        var contents = bytes.map { CChar(bitPattern: $0) }
        contents.append(0)
        return .success(PrivateKeyFile(path: path, contents: contents, publicKey: publicKey, algorithm: algorithm))
    }

    /// The whole file, or why it cannot be had (with the system's reason).
    private static func readSmallFile(_ path: String) -> Result<[UInt8], KeyFileProblem> {
        let fd = FileDescriptor(open(path, O_RDONLY | O_CLOEXEC))
        guard fd.isOpen else {
            return .failure(KeyFileProblem(description: "key file \(path) cannot be read (\(systemErrorText(errno)))"))
        }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd.rawValue, $0.baseAddress, $0.count) }
            if count > 0 {
                contents.append(contentsOf: chunk[0..<count])
                if contents.count > maximumSize {
                    return .failure(KeyFileProblem(description: "key file \(path) is larger than \(maximumSize / 1024) KiB: is it a private key?"))
                }
            } else if count == 0 {
                return .success(contents)
            } else if errno != EINTR {
                return .failure(KeyFileProblem(description: "key file \(path) cannot be read (\(systemErrorText(errno)))"))
            }
        }
    }

    /// The public key blob stored, never encrypted, in an `openssh-key-v1` file.
    private static func openSSHPublicKeyBlob(_ text: String) -> [UInt8]? {
        let body = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { return nil }
        let bytes = [UInt8](data)
        let magic = Array("openssh-key-v1\0".utf8)
        guard bytes.starts(with: magic) else { return nil }
        var offset = magic.count
        for _ in 0..<3 {  // cipher name, KDF name, KDF options
            guard let field = sshString(bytes, at: offset) else { return nil }
            offset += 4 + field.count
        }
        offset += 4  // number of keys
        return sshString(bytes, at: offset)
    }

    /// The SSH wire-format string (32-bit big-endian length, then bytes) at `offset`.
    private static func sshString(_ bytes: [UInt8], at offset: Int) -> [UInt8]? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        guard offset + 4 + length <= bytes.count else { return nil }
        return Array(bytes[offset + 4..<offset + 4 + length])
    }
}

/// Why a key file could not be used, already phrased for the user.
struct KeyFileProblem: Error, CustomStringConvertible {
    let description: String
}

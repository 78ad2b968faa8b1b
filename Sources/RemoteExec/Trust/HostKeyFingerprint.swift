import CLibCrypto
import Foundation

/// A host key described the way `ssh-keygen -lf` prints it: size in bits, SHA-256
/// fingerprint, a comment and the key type, e.g.
/// `256 SHA256:uE1… [127.0.0.2]:2222 (ED25519)` (docs/collector.md, "Trusting host keys").
public struct HostKeyFingerprint: Sendable, Equatable {
    /// The key's algorithm name as SSH and `known_hosts` write it: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`.
    public let algorithm: String
    /// The type as `ssh-keygen -l` shows it: `ED25519`, `ECDSA`, `RSA` or `DSA`.
    public let type: String
    /// The key size: 256 for ED25519, the curve size for ECDSA, the modulus size for RSA and DSA.
    public let bits: Int
    /// `SHA256:` and the unpadded base64 of the key blob's SHA-256 digest.
    public let sha256: String
    /// What `ssh-keygen -lf known_hosts` shows as the comment: the `known_hosts` host pattern.
    public let comment: String

    /// `<bits> SHA256:<…> <comment> (<TYPE>)`, exactly as `ssh-keygen -lf` prints the key.
    public var line: String { "\(bits) \(sha256) \(comment) (\(type))" }

    /// Describes an SSH public key blob (the base64-decoded second field of a `known_hosts`
    /// line); nil when the blob is malformed or of a type `ssh-keygen` would not size.
    public init?(blob: [UInt8], comment: String) {
        var reader = SSHWireReader(bytes: blob)
        guard let name = reader.string().map({ String(decoding: $0, as: UTF8.self) }) else { return nil }
        let type: String
        let bits: Int
        switch name {
        case "ssh-ed25519":
            guard let key = reader.string(), key.count == 32 else { return nil }
            (type, bits) = ("ED25519", 256)
        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521":
            guard let curve = reader.string().map({ String(decoding: $0, as: UTF8.self) }), name.hasSuffix(curve),
                let size = Int(curve.dropFirst("nistp".count)), reader.string() != nil
            else { return nil }
            (type, bits) = ("ECDSA", size)
        case "ssh-rsa":
            // e, then the modulus n.
            guard reader.string() != nil, let modulus = reader.string() else { return nil }
            (type, bits) = ("RSA", Self.significantBits(modulus))
        case "ssh-dss":
            // p, q, g, y: the size is that of p.
            guard let prime = reader.string() else { return nil }
            (type, bits) = ("DSA", Self.significantBits(prime))
        default:
            return nil
        }
        var digest = [UInt8](repeating: 0, count: 32)
        blob.withUnsafeBufferPointer { buffer in
            digest.withUnsafeMutableBufferPointer { shim_sha256(buffer.baseAddress, buffer.count, $0.baseAddress) }
        }
        self.algorithm = name
        self.type = type
        self.bits = bits
        self.sha256 = PresentedHostKey.fingerprint(sha256: digest)
        self.comment = comment
    }

    /// Describes the base64 key of a `known_hosts` line; nil when it is not valid base64 or not a key.
    public init?(base64: String, comment: String) {
        guard let data = Data(base64Encoded: base64) else { return nil }
        self.init(blob: [UInt8](data), comment: comment)
    }

    /// A key of `algorithm` whose text could not be decoded (a damaged `known_hosts` line).
    init(algorithm: String, comment: String) {
        self.algorithm = algorithm
        self.type = algorithm.uppercased()
        self.bits = 0
        self.sha256 = "SHA256:(unreadable key)"
        self.comment = comment
    }

    /// The number of significant bits of a big-endian SSH `mpint` (leading zero bytes ignored).
    static func significantBits(_ number: ArraySlice<UInt8>) -> Int {
        guard let first = number.firstIndex(where: { $0 != 0 }) else { return 0 }
        let leading = number[first]
        return (number.endIndex - first - 1) * 8 + (8 - leading.leadingZeroBitCount)
    }
}

/// Reads the length-prefixed strings of the SSH wire format (RFC 4251 §5).
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The next `uint32` length and that many bytes; nil when the blob ends early.
    mutating func string() -> ArraySlice<UInt8>? {
        guard bytes.count - offset >= 4 else { return nil }
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        guard bytes.count - offset - 4 >= length else { return nil }
        defer { offset += 4 + length }
        return bytes[(offset + 4)..<(offset + 4 + length)]
    }
}

/// FNV-1a over bytes: a hash that is the same in every process and release
/// (unlike `Hasher`), for shard assignment, migration fingerprints and entity tags.
public enum StableHash {
    /// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes.
    public static func fnv1a(_ text: String) -> UInt64 {
        fnv1a(bytes: text.utf8)
    }

    /// The 64-bit FNV-1a hash of `bytes`.
    public static func fnv1a<Bytes: Sequence>(bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads a small text file (`.env`, a secret file) whole, with the system's reason when it cannot.
/// Works for anything `read(2)` can read, `/dev/null` and pipes included.
enum SmallFile {
    /// Why a file could not be read, as the system says it.
    struct Failure: Error {
        var reason: String
    }

    /// The file's bytes; more than `limit` bytes is a failure rather than a partial read.
    static func read(_ path: String, limit: Int = 1 << 20) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return contents }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            guard contents.count + count <= limit else { throw Failure(reason: "larger than \(limit / 1024) KiB") }
            contents += chunk[..<count]
        }
    }
}

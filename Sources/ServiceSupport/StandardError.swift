#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The process's standard error, written without Foundation's `FileHandle`.
public enum StandardError {
    /// Writes `text` as it is: one `write(2)` for a line unless the pipe takes less at a time,
    /// so lines from several threads do not interleave.
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // nowhere to report a failing standard error
                }
            }
        }
    }
}

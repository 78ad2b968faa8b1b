#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if canImport(Glibc)
    private let systemClose = Glibc.close
#elseif canImport(Darwin)
    private let systemClose = Darwin.close
#endif

/// The one owner of a file descriptor: closes it exactly once.
final class FileDescriptor {
    /// The descriptor, or -1 once closed.
    private(set) var rawValue: Int32

    /// Takes ownership of `rawValue`.
    init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// Closes the descriptor now (it is also closed when the owner goes away).
    func close() {
        guard rawValue >= 0 else { return }
        _ = systemClose(rawValue)
        rawValue = -1
    }

    /// Whether the descriptor is still open.
    var isOpen: Bool { rawValue >= 0 }

    /// Sets `O_NONBLOCK`.
    func setNonBlocking() {
        let flags = fcntl(rawValue, F_GETFL)
        if flags >= 0 { _ = fcntl(rawValue, F_SETFL, flags | O_NONBLOCK) }
    }

    deinit { close() }
}

/// `strerror` as a Swift string.
func systemErrorText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

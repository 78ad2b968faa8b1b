import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener on 127.0.0.1 that never accepts and never speaks: the kernel completes
/// the handshake, so a client connects and then hears nothing.
public final class SilentListener: @unchecked Sendable {
    /// The loopback port it listens on, chosen by the kernel.
    public let port: Int
    private var descriptor: Int32

    /// Binds a free port on 127.0.0.1 and listens; throws `EADDRINUSE` when that fails.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0
                    && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            _ = Glibc.close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops listening; later calls do nothing.
    public func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}

/// A loopback port nothing listens on (bound, then released).
public func unusedPort() throws -> Int {
    let listener = try SilentListener()
    listener.close()
    return listener.port
}

/// A random loopback port in `range` that nothing is bound to right now (checked by binding it).
///
/// Unlike `unusedPort()`, the port can lie outside the kernel's ephemeral range, where no
/// client socket will take it later; after 50 taken ports it returns the last one tried.
public func freeLoopbackPort(in range: Range<Int>) -> Int {
    var port = Int.random(in: range)
    for _ in 0..<50 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let free = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        _ = Glibc.close(fd)
        if free { return port }
        port = Int.random(in: range)
    }
    return port
}

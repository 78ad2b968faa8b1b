#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens a TCP connection with a timeout: every resolved address (IPv4 and IPv6) in turn,
/// non-blocking, with `TCP_NODELAY` (small SSH exchanges otherwise stall on delayed ACKs).
enum TCPConnector {
    /// Connects to `host:port` before `deadline`, returning the connected non-blocking socket.
    static func connect(
        host: String, port: Int, display: String, deadline: Deadline, timeout: Duration,
        cancellation: CancellationFlag
    ) throws(RemoteExecError) -> FileDescriptor {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == EAI_SYSTEM ? systemErrorText(errno) : String(cString: gai_strerror(status))
            throw RemoteExecError(kind: .nameResolution, message: "\(display): cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(list) }

        var addresses: [addrinfo] = []
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            addresses.append(info.pointee)
            candidate = info.pointee.ai_next
        }
        var lastError: RemoteExecError?
        for (index, address) in addresses.enumerated() {
            // Each address gets an equal share of what is left, so one black-holed address
            // (say an unrouted IPv6 one) cannot use up the whole budget.
            let left = addresses.count - index
            let share = Deadline(after: .nanoseconds(Int64(deadline.remainingNanoseconds / UInt64(left))))
            let isLast = left == 1
            do {
                return try attempt(
                    address, display: display, deadline: isLast ? deadline : .earliest(share, deadline),
                    timeout: timeout, cancellation: cancellation)
            } catch {
                if error.kind == .cancelled || (error.kind == .timeout && (isLast || deadline.hasPassed)) { throw error }
                lastError = error
            }
        }
        throw lastError ?? RemoteExecError(kind: .nameResolution, message: "\(display): \(host) resolved to no address")
    }

    private static func attempt(
        _ info: addrinfo, display: String, deadline: Deadline, timeout: Duration, cancellation: CancellationFlag
    ) throws(RemoteExecError) -> FileDescriptor {
        #if canImport(Glibc)
            let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
            let type = SOCK_STREAM
        #endif
        let socket = FileDescriptor(Glibc.socket(info.ai_family, type, 0))
        guard socket.isOpen else {
            throw RemoteExecError(kind: .connectionRefused, message: "\(display): cannot create a socket: \(systemErrorText(errno))")
        }
        var one: Int32 = 1
        _ = setsockopt(socket.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

        var result = Glibc.connect(socket.rawValue, info.ai_addr, info.ai_addrlen)
        if result != 0 && errno == EINPROGRESS {
            var descriptor = pollfd(fd: socket.rawValue, events: Int16(POLLOUT), revents: 0)
            while true {
                if cancellation.isCancelled {
                    throw RemoteExecError(kind: .cancelled, message: "\(display): cancelled while connecting")
                }
                let wait = deadline.pollTimeout(cap: 500)
                if wait == 0 {
                    throw RemoteExecError(
                        kind: .timeout, message: "\(display): TCP connect timed out after \(timeout.secondsText) (host down or port filtered?)")
                }
                let ready = poll(&descriptor, 1, wait)
                if ready > 0 { break }
                if ready < 0 && errno != EINTR {
                    throw RemoteExecError(kind: .connectionRefused, message: "\(display): waiting for the TCP connection failed: \(systemErrorText(errno))")
                }
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            result = getsockopt(socket.rawValue, SOL_SOCKET, SO_ERROR, &socketError, &length)
            if result == 0 && socketError != 0 {
                result = -1
                errno = socketError
            }
        }
        guard result == 0 else {
            let code = errno
            let hint = code == ECONNREFUSED ? " (is sshd running and listening on this port?)" : ""
            throw RemoteExecError(kind: .connectionRefused, message: "\(display): cannot connect: \(systemErrorText(code))\(hint)")
        }
        return socket
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One local run on the calling (dedicated) thread.
struct LocalExecution: Sendable {
    let script: [UInt8]
    let shell: String
    let timeout: Duration
    let outputLimit: Int
    let cancellation: CancellationFlag

    func run() -> Result<ExecResult, RemoteExecError> {
        Result { () throws(RemoteExecError) in try execute() }
    }

    private func execute() throws(RemoteExecError) -> ExecResult {
        let start = MonotonicClock.now()
        let deadline = Deadline(after: timeout, from: start)

        // Standard input is a socket so writes can say MSG_NOSIGNAL: a shell that exits early
        // must not kill the collector with SIGPIPE.
        var stdinPair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &stdinPair) == 0 else {
            throw RemoteExecError(kind: .execFailed, message: "cannot create the probe's standard input: \(systemErrorText(errno))")
        }
        let stdinWriter = FileDescriptor(stdinPair[0])
        let stdinReader = FileDescriptor(stdinPair[1])
        let (stdoutReader, stdoutWriter) = try makePipe()
        let (stderrReader, stderrWriter) = try makePipe()

        let child = try ChildProcess(
            path: shell, arguments: ["sh", "-s"], stdin: stdinReader.rawValue,
            stdout: stdoutWriter.rawValue, stderr: stderrWriter.rawValue)
        stdinReader.close()
        stdoutWriter.close()
        stderrWriter.close()
        for descriptor in [stdinWriter, stdoutReader, stderrReader] { descriptor.setNonBlocking() }
        _ = shutdown(stdinWriter.rawValue, Int32(SHUT_RD))

        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var written = 0
        if script.isEmpty { stdinWriter.close() }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        do throws(RemoteExecError) {
            while stdoutReader.isOpen || stderrReader.isOpen {
                try checkCancellation()
                var descriptors: [pollfd] = []
                if stdinWriter.isOpen { descriptors.append(pollfd(fd: stdinWriter.rawValue, events: Int16(POLLOUT), revents: 0)) }
                if stdoutReader.isOpen { descriptors.append(pollfd(fd: stdoutReader.rawValue, events: Int16(POLLIN), revents: 0)) }
                if stderrReader.isOpen { descriptors.append(pollfd(fd: stderrReader.rawValue, events: Int16(POLLIN), revents: 0)) }
                let wait = deadline.pollTimeout(cap: 500)
                if wait == 0 { throw timedOut() }
                let ready = poll(&descriptors, nfds_t(descriptors.count), wait)
                if ready < 0 && errno != EINTR {
                    throw RemoteExecError(kind: .execFailed, message: "waiting for the local probe failed: \(systemErrorText(errno))")
                }
                guard ready > 0 else { continue }

                if stdinWriter.isOpen {
                    while written < script.count {
                        let count = script.withUnsafeBytes { bytes in
                            send(stdinWriter.rawValue, bytes.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                        }
                        if count > 0 {
                            written += count
                        } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                            break
                        } else {
                            written = script.count  // the shell stopped reading (exited early)
                        }
                    }
                    if written == script.count { stdinWriter.close() }
                }
                for (reader, isStdout) in [(stdoutReader, true), (stderrReader, false)] where reader.isOpen {
                    while true {
                        let count = buffer.withUnsafeMutableBytes { read(reader.rawValue, $0.baseAddress, $0.count) }
                        if count > 0 {
                            if stdout.count + stderr.count + count > outputLimit {
                                throw RemoteExecError(
                                    kind: .outputTooLarge,
                                    message:
                                        "local probe printed more than the \(SSHProbe.byteCountText(outputLimit)) output limit (standard output and error together); output discarded"
                                )
                            }
                            if isStdout { stdout.append(contentsOf: buffer[0..<count]) } else { stderr.append(contentsOf: buffer[0..<count]) }
                        } else if count == 0 {
                            reader.close()
                            break
                        } else {
                            if errno != EINTR { break }
                        }
                    }
                }
            }
            stdinWriter.close()
            // Both outputs are closed: the shell has exited or is about to.
            var pause: UInt32 = 200
            while !child.reapIfExited() {
                try checkCancellation()
                if deadline.hasPassed { throw timedOut() }
                usleep(pause)
                pause = min(pause * 2, 20_000)
            }
        } catch {
            child.killGroupAndReap()
            throw error
        }

        let exit = child.exit ?? (status: 255, signal: nil)
        let total = MonotonicClock.duration(from: start, to: MonotonicClock.now())
        return ExecResult(
            stdout: stdout, stderr: stderr, exitStatus: exit.status, exitSignal: exit.signal, hostKey: .notApplicable,
            timings: ExecTimings(execution: total, total: total))
    }

    /// A connected pair of close-on-exec stream sockets (atomic, unlike `pipe` + `fcntl`, so a
    /// concurrent spawn elsewhere cannot inherit them); used like a pipe.
    private func makePipe() throws(RemoteExecError) -> (reader: FileDescriptor, writer: FileDescriptor) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw RemoteExecError(kind: .execFailed, message: "cannot create an output channel for the local probe: \(systemErrorText(errno))")
        }
        let reader = FileDescriptor(ends[0])
        let writer = FileDescriptor(ends[1])
        _ = shutdown(reader.rawValue, Int32(SHUT_WR))
        _ = shutdown(writer.rawValue, Int32(SHUT_RD))
        return (reader, writer)
    }

    private func checkCancellation() throws(RemoteExecError) {
        if cancellation.isCancelled {
            throw RemoteExecError(kind: .cancelled, message: "local probe cancelled; the shell and its children were killed")
        }
    }

    private func timedOut() -> RemoteExecError {
        RemoteExecError(kind: .timeout, message: "local probe timed out after \(timeout.secondsText); the shell and its children were killed")
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one owner of a spawned child process, which leads its own process group: it is reaped
/// exactly once, and killed with its whole group if it is still running when the owner goes.
final class ChildProcess {
    /// The child's process id (also its process group id).
    let pid: pid_t
    /// The raw `waitpid` status once reaped.
    private(set) var status: Int32?

    /// Spawns `path` with `arguments` (argv[0] included) in a new process group, with the
    /// given descriptors as its standard input, output and error.
    init(path: String, arguments: [String], stdin: Int32, stdout: Int32, stderr: Int32) throws(RemoteExecError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 0/1/2 clears close-on-exec there; every other descriptor of ours has it set.
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for argument in argv { free(argument) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else {
            throw RemoteExecError(kind: .execFailed, message: "cannot start \(path): \(systemErrorText(rc))")
        }
        self.pid = pid
    }

    /// Reaps the child if it has exited; true once it is reaped.
    @discardableResult
    func reapIfExited() -> Bool {
        if status != nil { return true }
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, WNOHANG)
        if rc == pid {
            status = raw
            return true
        }
        return false
    }

    /// Kills the child's whole process group (the shell and anything it started) and reaps the child.
    func killGroupAndReap() {
        _ = kill(-pid, SIGKILL)
        guard status == nil else { return }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        status = raw
    }

    /// The exit status, or 128 + the signal number, and the signal's name when a signal ended it.
    var exit: (status: Int32, signal: String?)? {
        guard let raw = status else { return nil }
        let signal = raw & 0x7f
        if signal == 0 { return ((raw >> 8) & 0xff, nil) }
        return (128 + signal, Self.signalNames[signal] ?? "SIG\(signal)")
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGILL: "ILL", SIGABRT: "ABRT", SIGFPE: "FPE", SIGKILL: "KILL",
        SIGSEGV: "SEGV", SIGPIPE: "PIPE", SIGALRM: "ALRM", SIGTERM: "TERM", SIGUSR1: "USR1", SIGUSR2: "USR2", SIGBUS: "BUS",
    ]

    deinit {
        if status == nil { killGroupAndReap() }
    }
}

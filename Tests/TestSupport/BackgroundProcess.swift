import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program started for a test and killed when the test is done.
public final class BackgroundProcess: @unchecked Sendable {
    /// The process id, to signal or wait for.
    public let pid: pid_t

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts `arguments[0]` with its output discarded.
    public static func start(_ arguments: [String], environment: [String: String]? = nil) throws -> BackgroundProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let pid = try spawn(arguments, environment: environment, actions: &actions)
        return BackgroundProcess(pid: pid)
    }

    /// Sends `signal` (default SIGKILL) and reaps the process.
    public func kill(_ signal: Int32 = SIGKILL) {
        _ = Glibc.kill(pid, signal)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}

/// The result of a program run to completion.
public struct ProgramResult: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended the program.
    public var status: Int32
    /// Standard output as UTF-8 text (empty when it is not valid UTF-8).
    public var stdout: String
    /// Standard error as UTF-8 text (empty when it is not valid UTF-8).
    public var stderr: String
}

/// Runs a program to completion, capturing its output through temporary files.
/// (Foundation's `Process.waitUntilExit` can hang on Linux when the child leaves a
/// daemon behind, as `pg_ctl start` does.)
public func runProgram(_ arguments: [String], environment: [String: String]? = nil) throws -> ProgramResult {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, folder.path + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, folder.path + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let pid = try spawn(arguments, environment: environment, actions: &actions)
    let status = waitForExit(pid)
    let out = (try? String(contentsOfFile: folder.path + "/out", encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: folder.path + "/err", encoding: .utf8)) ?? ""
    return ProgramResult(status: status, stdout: out, stderr: err)
}

/// Waits for `pid` and returns its exit status (128 + signal when a signal ended it).
public func waitForExit(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let signal = status & 0x7F
    return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
}

/// posix_spawn with an optional replacement environment.
public func spawn(_ arguments: [String], environment: [String: String]?, actions: inout posix_spawn_file_actions_t) throws -> pid_t {
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { envp?.forEach { free($0) } }
    let result: Int32
    if let envp {
        result = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
    } else {
        result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    }
    guard result == 0 else { throw TestEnvironmentError("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
    return pid
}

/// ``runProgram(_:environment:)`` on a Dispatch thread: waiting for a program that takes
/// seconds must not hold one of the few cooperative threads (other suites run on them too).
public func runProgramDetached(_ arguments: [String], environment: [String: String]? = nil) async throws -> ProgramResult {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProgramResult, any Error>) in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runProgram(arguments, environment: environment) })
        }
    }
}

/// ``waitForExit(_:)`` on a Dispatch thread, for the same reason.
public func waitForExitDetached(_ pid: pid_t) async -> Int32 {
    await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
        DispatchQueue.global().async { continuation.resume(returning: waitForExit(pid)) }
    }
}

/// Starts `arguments[0]` with standard output and error going to `stdoutPath` and `stderrPath`;
/// returns its pid (wait for it with ``waitForExitDetached(_:)``).
public func spawnLogged(_ arguments: [String], environment: [String: String]?, stdoutPath: String, stderrPath: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    return try spawn(arguments, environment: environment, actions: &actions)
}

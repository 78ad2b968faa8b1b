import RemoteExec

extension ExecResult {
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}

/// Runs `body` and returns its outcome with the wall time it took.
func timed<T>(_ body: () async throws -> T) async -> (Result<T, RemoteExecError>, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let result: Result<T, RemoteExecError>
    do {
        result = .success(try await body())
    } catch let error as RemoteExecError {
        result = .failure(error)
    } catch {
        result = .failure(RemoteExecError(kind: .protocolError, message: "not a RemoteExecError: \(error)"))
    }
    return (result, clock.now - start)
}

extension Result {
    /// The error of a failure, nil for a success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

import DashboardStorage
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A built service (`api` or `frontend-renderer`) running as its own process on a loopback
/// port, its log captured in a file, as an operator runs it.
public final class RunningService: Sendable {
    /// The service's process id.
    public let pid: pid_t
    /// The loopback port it listens on.
    public let port: Int
    /// The file that receives its standard output; standard error goes to `logPath + ".err"`.
    public let logPath: String
    private let folder: TemporaryFolder
    private let exited = Mutex<Int32?>(nil)

    /// Starts `product` with `environment` (plus `PATH`) listening on `port` (a free one by
    /// default), passing the port in `portVariable`, and waits until `healthPath` answers 200.
    public static func start(
        _ product: String, portVariable: String, hostVariable: String, healthPath: String,
        environment: [String: String], port: Int? = nil
    ) async throws -> RunningService {
        let folder = try TemporaryFolder()
        let port = try port ?? unusedPort()
        var environment = environment
        environment["PATH"] = "/usr/bin:/bin"
        environment[hostVariable] = "127.0.0.1"
        environment[portVariable] = String(port)
        let logPath = folder.path + "/service.log"
        let pid = try spawnLogged(
            [builtProduct(product), "--env-file", "/dev/null"], environment: environment, stdoutPath: logPath, stderrPath: logPath + ".err")
        let service = RunningService(pid: pid, port: port, logPath: logPath, folder: folder)
        for _ in 0..<300 {
            if try await service.get(healthPath, timeoutSeconds: 2)?.status == 200 { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        service.stop(SIGKILL)
        throw TestEnvironmentError("\(product) did not answer \(healthPath) within 30 s: \(service.log)")
    }

    private init(pid: pid_t, port: Int, logPath: String, folder: TemporaryFolder) {
        self.pid = pid
        self.port = port
        self.logPath = logPath
        self.folder = folder
    }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Standard output and error so far.
    public var log: String {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: logPath + ".err", encoding: .utf8)) ?? "")
    }

    /// GETs `path` with curl on a Dispatch thread; `nil` when nothing answered.
    public func get(_ path: String, timeoutSeconds: Int = 5) async throws -> HTTPAnswer? {
        let target = self.url + path
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPAnswer?, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try httpGet(target, timeoutSeconds: timeoutSeconds) })
            }
        }
    }

    /// curl's exit status for a GET of `path` (7: the connection was refused; 28: no answer in time).
    public func curlStatus(_ path: String, timeoutSeconds: Int = 3) async throws -> Int32 {
        try await runProgramDetached(["/usr/bin/curl", "-sS", "--max-time", String(timeoutSeconds), "-o", "/dev/null", url + path]).status
    }

    /// Sends `signal` and returns the exit status (128 + signal when a signal ended it).
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        if let status = exited.withLock({ $0 }) { return status }
        kill(pid, signal)
        let status = TestSupport.waitForExit(pid)
        exited.withLock { $0 = status }
        return status
    }

    /// Sends `signal` without waiting; wait with ``waitForExit()``.
    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits (on a Dispatch thread) for the process to exit and returns its status.
    public func waitForExit() async -> Int32 {
        if let status = exited.withLock({ $0 }) { return status }
        let status = await waitForExitDetached(pid)
        exited.withLock { $0 = status }
        return status
    }

    /// Kills the process if it still runs and removes its log.
    public func cleanUp() {
        stop(SIGKILL)
        folder.remove()
    }
}

/// An `ACCESS EXCLUSIVE` lock on tables of a test database, held in an open transaction until
/// ``release()``: every query that reads them waits in PostgreSQL, so requests that need them
/// stay in flight for as long as a test wants — without a sleep in the product or a mock.
public final class TableLock: Sendable {
    private let granted = Atomic<Bool>(false)
    private let released = Atomic<Bool>(false)
    private let failure = Mutex<String?>(nil)

    private init() {}

    /// Takes the lock on `tables` (fixed names, never input) and returns once it is held.
    public static func hold(_ tables: [String], in test: TestDatabase) async throws -> TableLock {
        let lock = TableLock()
        let pool = test.database.pool
        let list = tables.joined(separator: ", ")
        Task {
            do throws(StorageError) {
                try await pool.withTransaction { (connection) throws(StorageError) in
                    _ = try await connection.query("LOCK TABLE \(unsafeRaw: list) IN ACCESS EXCLUSIVE MODE")
                    lock.granted.store(true, ordering: .releasing)
                    while !lock.released.load(ordering: .acquiring) {
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
            } catch {
                lock.failure.withLock { $0 = error.message }
            }
        }
        for _ in 0..<200 where !lock.granted.load(ordering: .acquiring) {
            if let failure = lock.failure.withLock({ $0 }) { throw TestEnvironmentError("could not lock \(list): \(failure)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard lock.granted.load(ordering: .acquiring) else {
            lock.release()
            throw TestEnvironmentError("could not lock \(list) within 10 s")
        }
        return lock
    }

    /// Ends the transaction, letting the waiting queries run.
    public func release() { released.store(true, ordering: .releasing) }

    /// Queries of database `test` waiting for a lock right now (the requests held in flight).
    public static func waitingQueries(in test: TestDatabase) async throws -> Int {
        try await test.database.pool.query(
            """
            SELECT count(*) AS n FROM pg_stat_activity WHERE datname = \(test.name) AND wait_event_type = 'Lock'
            """
        ).first?.require("n", as: Int.self) ?? 0
    }
}

extension RunningService {
    /// For a running `api`: waits until `/api/health` reports its cache live (fed by change
    /// notifications) and loads the fleet into it, so each later request reads the database
    /// only for what the cache does not hold.
    public func waitForLiveCache() async throws {
        for _ in 0..<300 {
            if let health = try await get("/api/health"),
                let document = try? JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any],
                document["cache"] as? String == "live"
            {
                // Live as soon as it listens, which can be before the api's own migrations are
                // through on a fresh database: wait for the answer too.
                if try await get("/api/servers/metrics/latest")?.status == 200 { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestEnvironmentError("the api's cache did not become live within 30 s: \(log)")
    }
}

import DashboardCore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The `api` executable as an operator runs it: settings from the environment, answers
/// over real HTTP, structured logs without secrets, graceful exit on SIGTERM.
@Suite(.tags(.postgres, .builtProducts)) struct APIProcessTests {
    /// A running api on a free loopback port, its log captured in a file.
    struct RunningAPI {
        let pid: pid_t
        let port: Int
        let logPath: String
        let folder: TemporaryFolder

        static func start(_ environment: [String: String]) async throws -> RunningAPI {
            let folder = try TemporaryFolder()
            let port = try unusedPort()
            var environment = environment
            environment["PATH"] = "/usr/bin:/bin"
            environment["API_HOST"] = "127.0.0.1"
            environment["API_PORT"] = String(port)
            let logPath = folder.path + "/api.log"
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            let pid = try spawn([builtProduct("api"), "--env-file", "/dev/null"], environment: environment, actions: &actions)
            let api = RunningAPI(pid: pid, port: port, logPath: logPath, folder: folder)
            for _ in 0..<100 {
                if try api.get("/api/health")?.status == 200 { return api }
                try await Task.sleep(for: .milliseconds(100))
            }
            kill(pid, SIGKILL)
            _ = waitForExit(pid)
            throw TestEnvironmentError("the api did not answer /api/health within 10 s: \(api.log)")
        }

        func get(_ path: String, headers: [String] = []) throws -> HTTPAnswer? {
            try httpGet("http://127.0.0.1:\(port)\(path)", headers: headers)
        }

        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        /// Sends SIGTERM and returns the exit status.
        func terminate() -> Int32 {
            kill(pid, SIGTERM)
            return waitForExit(pid)
        }
    }

    @Test func helpDescribesTheService() throws {
        let result = try runProgram([builtProduct("api"), "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--port"))
        #expect(result.stdout.contains("/api/openapi.json"))
    }

    @Test func badSettingsExitWithStatus2NamingTheKey() throws {
        let result = try runProgram([builtProduct("api"), "--env-file", "/dev/null"], environment: ["PATH": "/usr/bin:/bin", "API_PORT": "seventy"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("API_PORT"))
    }

    @Test func servesOverHTTPLogsAsJSONAndStopsOnSIGTERM() async throws {
        let test = try await TestDatabase.make()
        try await SeededFleet.seed(test)
        let api = try await RunningAPI.start(["DATABASE_URL": test.url, "LOG_FORMAT": "json"])
        defer { api.folder.remove() }

        let latest = try #require(try api.get("/api/servers/metrics/latest"))
        #expect(latest.status == 200)
        #expect(latest.headers["content-type"] == "application/json; charset=utf-8")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(latest.body.utf8)) as? [[String: Any]])
        #expect(records.count == SeededFleet.names.count)
        let etag = try #require(latest.headers["etag"])
        #expect(try api.get("/api/servers/metrics/latest", headers: ["If-None-Match: \(etag)"])?.status == 304)
        let gzip = try #require(try api.get("/api/servers/metrics/latest", headers: ["Accept-Encoding: gzip"]))
        #expect(gzip.headers["content-encoding"] == "gzip" || latest.body.utf8.count < 1024)
        #expect(try api.get("/api/nope")?.status == 404)

        #expect(api.terminate() == 0)
        let lines = api.log.split(separator: "\n")
        #expect(lines.contains { $0.contains("\"http.path\":\"/api/servers/metrics/latest\"") && $0.contains("\"http.status\":\"200\"") })
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
        // The database password is in DATABASE_URL; it must appear in no log line.
        let password = try #require(test.url.split(separator: ":").dropFirst(2).first?.split(separator: "@").first)
        #expect(!api.log.contains(String(password)))
    }

    @Test func sigtermUnderLoadFinishesEveryInFlightRequestThenExitsZeroAndRefusesNewConnections() async throws {
        let test = try await TestDatabase.make()
        try await SeededFleet.seed(test)
        let api = try await RunningService.start(
            "api", portVariable: "API_PORT", hostVariable: "API_HOST", healthPath: "/api/health",
            environment: ["DATABASE_URL": test.url, "DATABASE_POOL_SIZE": "10", "LOG_LEVEL": "info", "LOG_FORMAT": "json"])
        defer { api.cleanUp() }
        try await api.waitForLiveCache()

        // The samples are locked, so every 90-day history request waits in PostgreSQL: in flight.
        let lock = try await TableLock.hold(["server_metrics", "server_metrics_hourly"], in: test)
        let names = [SeededFleet.healthy, SeededFleet.warning, SeededFleet.stale, SeededFleet.failing]
        let paths = (0..<8).map { "/api/servers/\(names[$0 % names.count])/metrics/historical/2160" }
        let requests = paths.map { path in Task { try await api.get(path, timeoutSeconds: 120) } }
        var waiting = 0
        for _ in 0..<300 where waiting < paths.count {
            waiting = try await TableLock.waitingQueries(in: test)
            if waiting < paths.count { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(waiting >= paths.count, "only \(waiting) requests reached the database")

        api.signal(SIGTERM)
        // New connections are refused once the listener closes, while the old requests still wait.
        var refused = false
        for _ in 0..<100 where !refused {
            refused = try await api.curlStatus("/api/health", timeoutSeconds: 2) == 7
            if !refused { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(refused, "the api still accepted connections after SIGTERM")
        #expect(try await TableLock.waitingQueries(in: test) >= paths.count, "the in-flight requests were dropped")

        lock.release()
        for (path, request) in zip(paths, requests) {
            let answer = try await request.value
            #expect(answer?.status == 200, "\(path): \(String(describing: answer?.status))")
            let points = try JSONSerialization.jsonObject(with: Data((answer?.body ?? "").utf8)) as? [[String: Any]]
            #expect(points?.isEmpty == false, "\(path): \(answer?.body.prefix(200) ?? "")")
        }
        #expect(await api.waitForExit() == 0, "\(api.log)")
        // Each in-flight request was logged as answered.
        #expect(api.log.components(separatedBy: "/metrics/historical/2160").count - 1 >= paths.count, "\(api.log)")
    }
}

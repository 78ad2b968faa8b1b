import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The `collector` executable as a user runs it: exit codes, output, signals.
@Suite(.tags(.postgres, .sshHosts, .builtProducts)) struct CollectorCommandTests {
    /// The built `collector`, next to the test bundle.
    static var binary: String { builtProduct("collector") }

    /// A clean environment: nothing from the developer's shell or `.env` leaks in, and a
    /// spool folder of its own (pass `SPOOL_DIR` to share one between runs).
    static func environment(_ test: TestDatabase?, _ extra: [String: String]) -> [String: String] {
        var environment = [
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": NSTemporaryDirectory(), "COLLECT_RETRY_BACKOFF_MS": "20", "LOG_LEVEL": "warning",
            "SPOOL_DIR": NSTemporaryDirectory() + "sd-spool-" + UUID().uuidString.prefix(8),
        ]
        if let test { environment["DATABASE_URL"] = test.url }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs the collector to its end on a Dispatch thread, so the tests running alongside
    /// keep the cooperative pool (2 threads on a 2-core machine).
    static func collector(_ arguments: [String], _ environment: [String: String]) async throws -> ProgramResult {
        try await runProgramDetached([binary] + arguments + ["--env-file", "/dev/null"], environment: environment)
    }

    /// `SERVERn_*` for test host `index` with the ed25519 key.
    static func sshServer(_ number: Int, name: String, hosts: TestHosts, host index: Int) -> [String: String] {
        [
            "SERVER\(number)_NAME": name, "SERVER\(number)_HOST": hosts.host(index), "SERVER\(number)_PORT": String(hosts.port),
            "SERVER\(number)_USERNAME": hosts.user, "SERVER\(number)_KEY_FILE": hosts.ed25519Key,
        ]
    }

    @Test func databaseDownExitsTwoWithAMessageNamingHostAndPort() async throws {
        let port = try unusedPort()
        let result = try await Self.collector(
            ["run", "--once"],
            Self.environment(
                nil,
                [
                    "DATABASE_URL": "postgresql://dashboard:db-secret@127.0.0.1:\(port)/server_db",
                    "SERVER1_NAME": "here", "SERVER1_HOST": "local",
                ]))
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot connect to PostgreSQL at 127.0.0.1:\(port)"), "\(result.stderr)")
        #expect(!result.stderr.contains("db-secret") && !result.stdout.contains("db-secret"))
    }

    @Test func aSecondRunWhileOneHoldsTheLockRefusesAndExitsTwo() async throws {
        let test = try await TestDatabase.make()
        let lock = try #require(try await RunLock.acquire(DatabaseConfiguration(connectionString: test.url)))
        let environment = Self.environment(test, ["SERVER1_NAME": "here", "SERVER1_HOST": "local"])
        let refused = try await Self.collector(["run", "--once"], environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("another collection run is in progress"), "\(refused.stderr)")
        #expect(try await test.database.runs.recent().isEmpty)
        await lock.release()
        let allowed = try await Self.collector(["run", "--once"], environment)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try await test.database.runs.recent().count == 1)
    }

    @Test func progressLinesSummaryAndExitCodes() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        var environment = Self.environment(test, ["KNOWN_HOSTS_FILE": hosts.knownHosts, "SERVER1_NAME": "here", "SERVER1_HOST": "local"])
        environment.merge(Self.sshServer(2, name: "remote", hosts: hosts, host: 8)) { _, new in new }
        let good = try await Self.collector(["run", "--once"], environment)
        #expect(good.status == 0, "\(good.stderr)")
        let lines = good.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.filter { $0.hasPrefix("here ") || $0.hasPrefix("remote ") }.allSatisfy { $0.contains(" ok ") })
        #expect(lines.last?.contains("2 ok, 0 failed of 2") == true, "\(lines)")

        environment["SERVER3_NAME"] = "nowhere"
        environment["SERVER3_HOST"] = "127.0.0.1"
        environment["SERVER3_PORT"] = String(try unusedPort())
        environment["SERVER3_USERNAME"] = "nobody"
        environment["SERVER3_PASSWORD"] = "p4ssw0rd-never-printed"
        environment["SERVER7_NAME"] = "incomplete"
        let mixed = try await Self.collector(["run", "--once"], environment)
        #expect(mixed.status == 1)
        #expect(mixed.stdout.contains("nowhere") && mixed.stdout.contains("failed") && mixed.stdout.contains("refused"))
        #expect(mixed.stderr.contains("skipped incomplete: SERVER7_HOST is missing"), "\(mixed.stderr)")
        #expect(!(mixed.stdout + mixed.stderr).contains("p4ssw0rd-never-printed"))
    }

    @Test func jsonDocumentHasTheDocumentedShape() async throws {
        let test = try await TestDatabase.make()
        let result = try await Self.collector(
            ["run", "--once", "--json"],
            Self.environment(
                test,
                [
                    "SERVER1_NAME": "here", "SERVER1_HOST": "local",
                    "SERVER2_NAME": "nowhere", "SERVER2_HOST": "127.0.0.1", "SERVER2_PORT": String(try unusedPort()),
                    "SERVER2_USERNAME": "u", "SERVER2_PASSWORD": "p",
                ]))
        #expect(result.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        for key in ["run_id", "started_at", "finished_at", "ok", "failed", "servers"] {
            #expect(document[key] != nil, "missing \(key)")
        }
        #expect(document["ok"] as? Int == 1)
        #expect(document["failed"] as? Int == 1)
        let servers = try #require(document["servers"] as? [[String: Any]])
        #expect(Set(servers.compactMap { $0["server_name"] as? String }) == ["here", "nowhere"])
        let failed = try #require(servers.first { $0["server_name"] as? String == "nowhere" })
        #expect(failed["outcome"] as? String == "failed")
        #expect(failed["failure_kind"] as? String == "refused")
        #expect(failed["attempts"] as? Int == 3)
        #expect(failed["duration_ms"] is Int)
        let ok = try #require(servers.first { $0["server_name"] as? String == "here" })
        #expect(ok["outcome"] as? String == "ok")
        #expect(ok["failure_kind"] is NSNull)
    }

    @Test func sigtermStopsStartingServersKeepsWhatWasCollectedAndRecordsAnInterruptedRun() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        // Every server after the first takes a few seconds, so SIGTERM lands while one is in flight.
        let slow = try ForcedCommandKey.make(hosts: hosts, script: "sleep 4\nexec sh -c \"$SSH_ORIGINAL_COMMAND\"\n")
        defer { slow.remove() }
        var environment = Self.environment(test, ["KNOWN_HOSTS_FILE": hosts.knownHosts, "COLLECT_CONCURRENCY": "1", "LOG_LEVEL": "info"])
        for number in 1...8 {
            environment.merge(Self.sshServer(number, name: "term-\(number)", hosts: hosts, host: number)) { _, new in new }
            if number > 1 { environment["SERVER\(number)_KEY_FILE"] = slow.keyFile }
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pid = try spawnLogged(
            [Self.binary, "run", "--once", "--env-file", "/dev/null"], environment: environment, stdoutPath: folder.path + "/out",
            stderrPath: folder.path + "/err")
        // Once the first server is stored (the second one is then in flight), ask it to stop.
        var firstStored = false
        for _ in 0..<300 where !firstStored {
            firstStored = (try await test.database.pool.query("SELECT count(*) AS n FROM run_outcomes").first?.require("n", as: Int.self) ?? 0) >= 1
            if !firstStored { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(firstStored, "no server finished within 30 s")
        kill(pid, SIGTERM)
        let status = await waitForExitDetached(pid)
        let stdout = (try? String(contentsOfFile: folder.path + "/out", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: folder.path + "/err", encoding: .utf8)) ?? ""
        #expect(status == 143, "\(stdout)\(stderr)")
        #expect(stderr.contains("received signal 15; finishing the servers in flight, starting no more"), "\(stderr)")
        #expect(stdout.contains("interrupted before every server was collected"), "\(stdout)")

        let run = try #require(try await test.database.runs.recent().first)
        #expect(run.state == .interrupted)
        let outcomes = try await test.database.runs.outcomes(runID: run.id)
        #expect(outcomes.count >= 2 && outcomes.count < 8, "\(outcomes.count) servers were collected")
        #expect(outcomes.allSatisfy { $0.succeeded }, "\(outcomes)")
        // The server in flight when the signal came was finished and stored, not abandoned.
        #expect(outcomes.contains { $0.serverName == "term-2" })
        // One progress line per finished server, and nothing printed for the ones never started.
        let progress = stdout.split(separator: "\n").filter { $0.hasPrefix("term-") }
        #expect(progress.count == outcomes.count, "\(stdout)")
        // Every collected server's sample is whole: counted, not assumed.
        let samples = try await test.database.pool.query(
            """
            SELECT count(*) AS n, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM filesystems f WHERE f.sample_id = m.id)) AS without_filesystems
            FROM server_metrics m
            """)
        let row = try #require(samples.first)
        #expect(try row.require("n", as: Int.self) == outcomes.count)
        #expect(try row.require("without_filesystems", as: Int.self) == 0)
    }

    @Test func checkShowsReachabilityAndStoresNothing() async throws {
        let hosts = try TestHosts.load()
        var environment = Self.environment(nil, ["KNOWN_HOSTS_FILE": hosts.knownHosts, "DATABASE_URL": "postgresql://x@127.0.0.1:\(try unusedPort())/none"])
        environment.merge(Self.sshServer(1, name: "reachable", hosts: hosts, host: 9)) { _, new in new }
        environment.merge([
            "SERVER2_NAME": "unreachable", "SERVER2_HOST": "127.0.0.1", "SERVER2_PORT": String(try unusedPort()), "SERVER2_USERNAME": "u",
            "SERVER2_PASSWORD": "p",
        ]) { _, new in new }
        let result = try await Self.collector(["check"], environment)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("SERVER") == true)
        #expect(lines.contains { $0.hasPrefix("reachable ") && $0.contains(" ok ") && $0.contains("SHA256:") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("unreachable ") && $0.contains("FAILED") && $0.contains("refused") })
        #expect(lines.last == "1 of 2 reachable")
    }

    @Test func cleanupDeletesDataOlderThanTheRetention() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let now = Date()
        try await test.database.samples.store(makeSample(at: now.addingTimeInterval(-40 * 86_400)), serverID: serverID)
        try await test.database.samples.store(makeSample(at: now.addingTimeInterval(-3600)), serverID: serverID)
        let result = try await Self.collector(["cleanup", "--days", "30"], Self.environment(test, [:]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("deleted 1 samples"), "\(result.stdout)")
        let left = try await test.database.pool.query("SELECT count(*) AS n FROM server_metrics")
        #expect(try left.first?.require("n", as: Int.self) == 1)
    }

    @Test func jsonLogsAreOneObjectPerLine() async throws {
        let test = try await TestDatabase.make()
        let result = try await Self.collector(
            ["run", "--once"],
            Self.environment(
                test,
                [
                    "LOG_FORMAT": "json", "LOG_LEVEL": "info", "SERVER1_NAME": "here", "SERVER1_HOST": "local",
                ]))
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        var messages: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["level"] is String && object["timestamp"] is String)
            messages.append(object["message"] as? String ?? "")
        }
        #expect(messages.contains("collection run started"))
    }

    @Test func aBadSettingExitsTwoNamingTheKey() async throws {
        let result = try await Self.collector(
            ["run", "--once"], Self.environment(nil, ["COLLECT_CONCURRENCY": "lots", "DATABASE_URL": "postgresql://x@127.0.0.1:1/none"]))
        #expect(result.status == 2)
        #expect(result.stderr.contains("COLLECT_CONCURRENCY"), "\(result.stderr)")
        let help = try runProgram([Self.binary, "--help"], environment: Self.environment(nil, [:]))
        #expect(help.status == 0)
        #expect(help.stdout.contains("run") && help.stdout.contains("check") && help.stdout.contains("migrate") && help.stdout.contains("cleanup"))
    }
}

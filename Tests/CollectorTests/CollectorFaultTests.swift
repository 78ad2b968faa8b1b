import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The fault matrix (issue #7): the built `collector run --once` against real sshd test hosts
/// that fail in one way each, next to a healthy host. Each test checks what the user sees
/// (exit status, the server's progress line, log lines) and counts what the database holds
/// afterwards: the healthy server's sample, none for the faulty one, both outcomes.
@Suite(.tags(.postgres, .sshHosts, .builtProducts)) struct CollectorFaultTests {
    /// What one run printed and left in the database.
    struct FaultRun {
        var result: ProgramResult
        var run: CollectionRun
        var outcomes: [String: ServerOutcome]

        /// The progress line of server `name`.
        func line(_ name: String) -> String? {
            result.stdout.split(separator: "\n").map(String.init).first { $0.hasPrefix(name + " ") }
        }
    }

    /// The healthy server every run has next to the faulty one.
    static let healthy = "healthy"

    /// Settings for these runs: short timeouts so faults end quickly, info logs to read.
    static func environment(_ test: TestDatabase, _ hosts: TestHosts, _ extra: [String: String]) -> [String: String] {
        var environment = CollectorCommandTests.environment(
            test,
            [
                "KNOWN_HOSTS_FILE": hosts.knownHosts, "LOG_LEVEL": "info", "CONNECT_TIMEOUT_SECONDS": "5", "PROBE_TIMEOUT_SECONDS": "20",
            ])
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// `SERVER1_*` for a server named `name` on test host `index`, logging in with `keyFile`.
    static func server(_ name: String, hosts: TestHosts, host index: Int, keyFile: String) -> [String: String] {
        [
            "SERVER1_NAME": name, "SERVER1_HOST": hosts.host(index), "SERVER1_PORT": String(hosts.port),
            "SERVER1_USERNAME": hosts.user, "SERVER1_KEY_FILE": keyFile,
        ]
    }

    /// Runs the collector over `faulty` (`SERVER1_*`) and a healthy test host (`SERVER2_*`).
    static func run(_ test: TestDatabase, _ hosts: TestHosts, faulty: [String: String], healthyHost: Int, settings: [String: String] = [:]) async throws
        -> FaultRun
    {
        var environment = environment(test, hosts, settings)
        environment.merge(faulty) { _, new in new }
        environment.merge(CollectorCommandTests.sshServer(2, name: healthy, hosts: hosts, host: healthyHost)) { _, new in new }
        let result = try await runProgramDetached([CollectorCommandTests.binary, "run", "--once", "--env-file", "/dev/null"], environment: environment)
        let run = try #require(try await test.database.runs.recent().first, "no run recorded: \(result.stderr)")
        let outcomes = try await test.database.runs.outcomes(runID: run.id)
        return FaultRun(result: result, run: run, outcomes: Dictionary(outcomes.map { ($0.serverName, $0) }) { first, _ in first })
    }

    /// Stored samples of server `name`, counted.
    static func samples(_ test: TestDatabase, _ name: String) async throws -> Int {
        try await test.database.pool.query(
            """
            SELECT count(*) AS n FROM server_metrics m JOIN servers s ON s.id = m.server_id WHERE s.name = \(name)
            """
        ).first?.require("n", as: Int.self) ?? -1
    }

    /// Rows of `table` (a fixed name from this file) belonging to server `name`, counted.
    static func rows(_ test: TestDatabase, _ table: String, of name: String) async throws -> Int {
        try await test.database.pool.query(
            """
            SELECT count(*) AS n FROM \(unsafeRaw: table) t JOIN servers s ON s.id = t.server_id WHERE s.name = \(name)
            """
        ).first?.require("n", as: Int.self) ?? -1
    }

    /// What every fault run shares: exit 1, the healthy server collected and stored whole,
    /// the faulty one failed with `kind` in `attempts` attempts, recorded, with no sample.
    static func expectFaultReported(
        _ run: FaultRun, _ test: TestDatabase, faulty: String, kind: FailureKind, attempts: ClosedRange<Int>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let output = run.result.stdout + run.result.stderr
        #expect(run.result.status == 1, "\(output)", sourceLocation: sourceLocation)
        #expect(run.line(healthy)?.contains(" ok ") == true, "\(output)", sourceLocation: sourceLocation)
        #expect(run.line(faulty)?.contains(" failed ") == true, "\(output)", sourceLocation: sourceLocation)
        #expect(run.line(faulty)?.contains(" \(kind.rawValue): ") == true, "\(output)", sourceLocation: sourceLocation)
        #expect(run.result.stdout.contains("1 ok, 1 failed of 2"), "\(output)", sourceLocation: sourceLocation)

        #expect(run.run.state == .completed, sourceLocation: sourceLocation)
        #expect(run.run.okCount == 1 && run.run.failedCount == 1, sourceLocation: sourceLocation)
        #expect(run.outcomes.count == 2, sourceLocation: sourceLocation)
        let outcome = try #require(run.outcomes[faulty], sourceLocation: sourceLocation)
        #expect(outcome.failure?.kind == kind, "\(String(describing: outcome.failure))", sourceLocation: sourceLocation)
        #expect(attempts.contains(outcome.attempts), "\(outcome.attempts) attempts", sourceLocation: sourceLocation)
        #expect(run.outcomes[healthy]?.failure == nil, sourceLocation: sourceLocation)

        // Counted, not assumed: one whole sample for the healthy server, nothing for the faulty one.
        #expect(try await samples(test, healthy) == 1, sourceLocation: sourceLocation)
        #expect(try await rows(test, "filesystems", of: healthy) >= 1, sourceLocation: sourceLocation)
        #expect(try await rows(test, "top_users", of: healthy) >= 1, sourceLocation: sourceLocation)
        #expect(try await samples(test, faulty) == 0, sourceLocation: sourceLocation)
        #expect(try await test.database.servers.named(faulty)?.lastError?.kind == kind, sourceLocation: sourceLocation)
        #expect(try await test.database.servers.named(healthy)?.lastError == nil, sourceLocation: sourceLocation)
        // The faulty server shows as offline, with an alert saying why.
        let alerts = try await test.database.alerts.list(.active)
        #expect(alerts.contains { $0.serverName == faulty && ($0.type == .offline || $0.type == .hostKey) }, "\(alerts)", sourceLocation: sourceLocation)
    }

    @Test func hostDownFailsAsRefusedAfterThreeAttemptsAndTheOtherServerIsStored() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let faulty = [
            "SERVER1_NAME": "down", "SERVER1_HOST": "127.0.0.1", "SERVER1_PORT": String(try unusedPort()), "SERVER1_USERNAME": hosts.user,
            "SERVER1_KEY_FILE": hosts.ed25519Key,
        ]
        let run = try await Self.run(test, hosts, faulty: faulty, healthyHost: 10)
        try await Self.expectFaultReported(run, test, faulty: "down", kind: .refused, attempts: 3...3)
        #expect(run.line("down")?.contains("(3 attempts)") == true, "\(run.result.stdout)")
    }

    @Test func hostThatHangsAfterTCPAcceptTimesOutOnceAndTheOtherServerIsStored() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let silent = try SilentListener()
        defer { silent.close() }
        let faulty = [
            "SERVER1_NAME": "hangs", "SERVER1_HOST": "127.0.0.1", "SERVER1_PORT": String(silent.port), "SERVER1_USERNAME": hosts.user,
            "SERVER1_KEY_FILE": hosts.ed25519Key,
        ]
        let run = try await Self.run(test, hosts, faulty: faulty, healthyHost: 11, settings: ["PROBE_TIMEOUT_SECONDS": "8"])
        try await Self.expectFaultReported(run, test, faulty: "hangs", kind: .timeout, attempts: 1...1)
        #expect(run.line("hangs")?.contains("timed out after 8 s during the SSH handshake") == true, "\(run.result.stdout)")
    }

    @Test func hostThatHangsMidProbeTimesOutOnceAndTheOtherServerIsStored() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let key = try ForcedCommandKey.make(hosts: hosts, script: "printf '@@sd:begin version=1\\n'\nexec sleep 30\n")
        defer { key.remove() }
        let run = try await Self.run(
            test, hosts, faulty: Self.server("stuck", hosts: hosts, host: 12, keyFile: key.keyFile), healthyHost: 12, settings: ["PROBE_TIMEOUT_SECONDS": "8"])
        try await Self.expectFaultReported(run, test, faulty: "stuck", kind: .timeout, attempts: 1...1)
        #expect(run.line("stuck")?.contains("timed out after 8 s while the probe ran") == true, "\(run.result.stdout)")
    }

    /// The forced command: the real probe's first lines, then the host's sshd session process
    /// is killed, so the TCP connection drops with the probe half-printed.
    static let dropMidProbe = """
        sh -c "$SSH_ORIGINAL_COMMAND" | head -n 12
        p=$PPID
        while [ "$(cat /proc/$p/comm)" != sshd ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done
        kill -9 "$p"

        """

    @Test func hostThatDropsTheConnectionMidProbeFailsAfterRetriesWithNoHalfSample() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let key = try ForcedCommandKey.make(hosts: hosts, script: Self.dropMidProbe)
        defer { key.remove() }
        let run = try await Self.run(test, hosts, faulty: Self.server("drops", hosts: hosts, host: 13, keyFile: key.keyFile), healthyHost: 13)
        // A dropped connection is transient: retried (3 attempts unless a loaded machine used up the probe timeout).
        try await Self.expectFaultReported(run, test, faulty: "drops", kind: .refused, attempts: 2...3)
        #expect(run.line("drops")?.contains("the server closed the connection") == true, "\(run.result.stdout)")
        #expect(try await Self.rows(test, "filesystems", of: "drops") == 0)
        #expect(try await Self.rows(test, "top_users", of: "drops") == 0)
    }

    @Test func hostThatDropsTheConnectionOnceIsCollectedOnTheRetry() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let key = try ForcedCommandKey.make(
            hosts: hosts,
            script: """
                if [ ! -e "$STATE/dropped" ]; then
                    : >"$STATE/dropped"
                \(Self.dropMidProbe)
                    exit 0
                fi
                exec sh -c "$SSH_ORIGINAL_COMMAND"

                """)
        defer { key.remove() }
        var environment = Self.environment(test, hosts, [:])
        environment.merge(Self.server("drops-once", hosts: hosts, host: 14, keyFile: key.keyFile)) { _, new in new }
        let result = try await runProgramDetached([CollectorCommandTests.binary, "run", "--once", "--env-file", "/dev/null"], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("1 ok, 0 failed of 1"), "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: key.stateFolder + "/dropped"), "the first login did not run the dropping script")
        let run = try #require(try await test.database.runs.recent().first)
        let outcome = try #require(try await test.database.runs.outcomes(runID: run.id).first)
        #expect(outcome.failure == nil)
        #expect(outcome.attempts == 2)
        #expect(try await Self.samples(test, "drops-once") == 1)
        #expect(try await Self.rows(test, "filesystems", of: "drops-once") >= 1)
    }

    @Test func wrongPasswordFailsAsAuthWithoutRetryAndIsNeverPrintedOrStored() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let secret = "wr0ng-p4ssw0rd-never-shown"
        let faulty = [
            "SERVER1_NAME": "wrong-password", "SERVER1_HOST": hosts.host(15), "SERVER1_PORT": String(hosts.port), "SERVER1_USERNAME": hosts.user,
            "SERVER1_PASSWORD": secret,
        ]
        let run = try await Self.run(test, hosts, faulty: faulty, healthyHost: 15)
        try await Self.expectFaultReported(run, test, faulty: "wrong-password", kind: .auth, attempts: 1...1)
        #expect(!(run.result.stdout + run.result.stderr).contains(secret))
        #expect(
            try await test.database.pool.query("SELECT count(*) AS n FROM run_outcomes WHERE message LIKE \("%" + secret + "%")").first?.require(
                "n", as: Int.self) == 0)
        #expect(
            try await test.database.pool.query("SELECT count(*) AS n FROM servers WHERE last_error LIKE \("%" + secret + "%")").first?.require(
                "n", as: Int.self) == 0)
    }

    @Test func changedHostKeyIsRefusedAsASecurityErrorWithACriticalAlert() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        // The real known_hosts, except that host 16 is pinned to another key.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pinned = hosts.knownHostsName(16)
        let others = try String(contentsOfFile: hosts.knownHosts, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix(pinned + " ") }
        let wrongKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5vdC10aGUtcmVhbC1rZXktMDEyMzQ1Njc4OWFiY2RlZmdoaWo="
        let knownHosts = try folder.file("known_hosts", contents: (others + ["\(pinned) \(wrongKey)"]).joined(separator: "\n") + "\n")
        let run = try await Self.run(
            test, hosts, faulty: Self.server("changed-key", hosts: hosts, host: 16, keyFile: hosts.ed25519Key), healthyHost: 17,
            settings: ["KNOWN_HOSTS_FILE": knownHosts])
        try await Self.expectFaultReported(run, test, faulty: "changed-key", kind: .hostKey, attempts: 1...1)
        #expect(run.line("changed-key")?.contains("HOST KEY CHANGED") == true, "\(run.result.stdout)")
        let alert = try #require(try await test.database.alerts.list(.active).first { $0.serverName == "changed-key" && $0.type == .hostKey })
        #expect(alert.severity == .critical)
        // The pinned (wrong) key is left alone: the collector never "fixes" known_hosts itself.
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).contains("\(pinned) \(wrongKey)"))
    }

    @Test func garbledProbeOutputFailsAsAProbeErrorAndStoresNothingForThatServer() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let key = try ForcedCommandKey.make(hosts: hosts, script: "head -c 200000 /dev/urandom\n")
        defer { key.remove() }
        let run = try await Self.run(test, hosts, faulty: Self.server("garbled", hosts: hosts, host: 18, keyFile: key.keyFile), healthyHost: 18)
        try await Self.expectFaultReported(run, test, faulty: "garbled", kind: .probe, attempts: 1...1)
        #expect(run.line("garbled")?.contains("no begin marker (200000 bytes)") == true, "\(run.result.stdout)")
    }

    @Test func aGarbledSectionInsideRealProbeOutputKeepsTheRestOfTheSampleAndLogsWhatWasUnreadable() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        // Four KB of random bytes (no '@', so no fake section marker) right after the load section's header.
        let key = try ForcedCommandKey.make(
            hosts: hosts,
            script: """
                sh -c "$SSH_ORIGINAL_COMMAND" | while IFS= read -r line; do
                    printf '%s\\n' "$line"
                    if [ "$line" = '@@sd:load' ]; then head -c 4096 /dev/urandom | tr -d '@'; printf '\\n'; fi
                done

                """)
        defer { key.remove() }
        var environment = Self.environment(test, hosts, [:])
        environment.merge(Self.server("garbled-section", hosts: hosts, host: 19, keyFile: key.keyFile)) { _, new in new }
        let result = try await runProgramDetached([CollectorCommandTests.binary, "run", "--once", "--env-file", "/dev/null"], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("probe output had unreadable parts"), "\(result.stderr)")
        #expect(try await Self.samples(test, "garbled-section") == 1)
        let sample = try #require(try await test.database.metrics.latest().first?.latest)
        #expect(sample.ramPercent != nil && sample.diskPercent != nil && sample.processCount != nil)
        #expect(try await Self.rows(test, "filesystems", of: "garbled-section") >= 1)
    }

    @Test func hugeProbeOutputFailsAsAProbeErrorNamingTheLimit() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let key = try ForcedCommandKey.make(hosts: hosts, script: "yes '@@sd:begin version=1' | head -c 6000000\n")
        defer { key.remove() }
        let run = try await Self.run(test, hosts, faulty: Self.server("huge", hosts: hosts, host: 10, keyFile: key.keyFile), healthyHost: 11)
        try await Self.expectFaultReported(run, test, faulty: "huge", kind: .probe, attempts: 1...1)
        #expect(run.line("huge")?.contains("more than the 4 MiB output limit") == true, "\(run.result.stdout)")
    }

    @Test func nonUTF8ProbeOutputIsStoredWithReplacementCharacters() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        // The real probe's output with a Latin-1 OS name and a user and process name that are not UTF-8.
        let key = try ForcedCommandKey.make(
            hosts: hosts,
            script: #"""
                sh -c "$SSH_ORIGINAL_COMMAND" | while IFS= read -r line; do
                    case $line in
                        name=*) printf 'name=Caf\351 Linux \377\376\n' ;;
                        @@sd:users) printf '%s\n' "$line"; printf 'b\377d\t42.5\t1.0\t3\tpr\303(c\n' ;;
                        *) printf '%s\n' "$line" ;;
                    esac
                done

                """#)
        defer { key.remove() }
        var environment = Self.environment(test, hosts, [:])
        environment.merge(Self.server("latin1", hosts: hosts, host: 12, keyFile: key.keyFile)) { _, new in new }
        let result = try await runProgramDetached([CollectorCommandTests.binary, "run", "--once", "--env-file", "/dev/null"], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try await Self.samples(test, "latin1") == 1)
        #expect(try await test.database.servers.named("latin1")?.osName == "Caf\u{FFFD} Linux \u{FFFD}\u{FFFD}")
        let users = try await test.database.users.top(TopUsersQuery(server: "latin1"))
        let user = try #require(users.first { $0.username == "b\u{FFFD}d" }, "\(users.map(\.username))")
        #expect(user.topProcess == "pr\u{FFFD}(c")
        #expect(user.cpu == 42.5)
    }

    @Test func twoRunsStartedAtOnceCollectOnceTheSecondSaysSoAndExitsTwo() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        // A host that takes a few seconds keeps the first run going while the second starts.
        let slow = try ForcedCommandKey.make(hosts: hosts, script: "sleep 6\nexec sh -c \"$SSH_ORIGINAL_COMMAND\"\n")
        defer { slow.remove() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var environment = Self.environment(test, hosts, [:])
        environment.merge(Self.server("slow", hosts: hosts, host: 13, keyFile: slow.keyFile)) { _, new in new }
        environment.merge(CollectorCommandTests.sshServer(2, name: Self.healthy, hosts: hosts, host: 14)) { _, new in new }
        let arguments = [CollectorCommandTests.binary, "run", "--once", "--env-file", "/dev/null"]
        let first = try spawnLogged(arguments, environment: environment, stdoutPath: folder.path + "/out", stderrPath: folder.path + "/err")
        // The run row appears once the first run holds the lock.
        var started = false
        for _ in 0..<300 where !started {
            started = try await !test.database.runs.recent().isEmpty
            if !started { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(started, "the first run never recorded itself")
        let second = try await runProgramDetached(arguments, environment: environment)
        let firstStatus = await waitForExitDetached(first)
        let firstOutput = (try? String(contentsOfFile: folder.path + "/out", encoding: .utf8)) ?? ""

        #expect(second.status == 2, "\(second.stdout)\(second.stderr)")
        #expect(second.stderr.contains("another collection run is in progress"), "\(second.stderr)")
        #expect(second.stdout.isEmpty)
        #expect(firstStatus == 0, "\(firstOutput)")
        #expect(firstOutput.contains("2 ok, 0 failed of 2"), "\(firstOutput)")
        // One run, one sample per server: the refused run stored nothing.
        let runs = try await test.database.runs.recent()
        #expect(runs.count == 1)
        #expect(runs.first?.state == .completed)
        #expect(try await test.database.pool.query("SELECT count(*) AS n FROM run_outcomes").first?.require("n", as: Int.self) == 2)
        #expect(try await Self.samples(test, "slow") == 1)
        #expect(try await Self.samples(test, Self.healthy) == 1)
    }
}

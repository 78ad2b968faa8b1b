import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

@testable import Collector

@Suite(.tags(.postgres, .sshHosts)) struct CollectionRunTests {
    @Test func keyPasswordPassphraseAndLocalServersAreCollectedAndStored() async throws {
        let harness = try await CollectorHarness.make()
        let hosts = harness.hosts
        let servers = [
            harness.server("key-ed25519", host: 0),
            harness.server("key-ecdsa-passphrase", host: 1) {
                $0.keyFile = hosts.ecdsaKey; $0.keyPassphrase = Secret(hosts.passphrase)
            },
            harness.server("password", host: 2) {
                $0.keyFile = nil; $0.password = Secret(hosts.password)
            },
            ServerConfig(name: "this-machine", host: "local"),
        ]
        let report = try await harness.run(servers)
        #expect(report.state == .completed)
        #expect(report.servers.map(\.outcome) == ["ok", "ok", "ok", "ok"], "\(report.servers.map { "\($0.serverName): \($0.message ?? "")" })")
        #expect(report.ok == 4 && report.failed == 0)

        let snapshots = try await harness.test.database.metrics.latest()
        #expect(snapshots.map(\.server.name) == ["key-ecdsa-passphrase", "key-ed25519", "password", "this-machine"])
        for snapshot in snapshots {
            let sample = try #require(snapshot.latest, "\(snapshot.server.name) has no sample")
            #expect(sample.load1 != nil && sample.cpuPercent != nil && sample.ramPercent != nil && sample.diskPercent != nil)
            #expect((sample.processCount ?? 0) > 0)
            #expect(sample.filesystems.contains { $0.mountPoint == "/" })
            #expect(snapshot.server.osName?.isEmpty == false)
            #expect(snapshot.server.lastError == nil)
        }
        #expect(try await harness.count("SELECT count(DISTINCT server_id) AS n FROM top_users") == 4)
        let runs = try await harness.test.database.runs.recent()
        #expect(runs.count == 1)
        #expect(runs.first?.state == .completed)
        #expect(runs.first?.okCount == 4)
        #expect(try await harness.test.database.runs.outcomes(runID: try #require(report.runID)).count == 4)
    }

    @Test func twentyHostsInOneRun() async throws {
        let harness = try await CollectorHarness.make()
        let servers = (0..<20).map { harness.server(String(format: "fleet-%02d", $0), host: $0) }
        let report = try await harness.run(servers)
        #expect(report.ok == 20, "\(report.servers.filter { $0.outcome != "ok" }.map { "\($0.serverName): \($0.message ?? "")" })")
        #expect(try await harness.count("SELECT count(*) AS n FROM server_metrics") == 20)
        #expect(try await harness.count("SELECT count(*) AS n FROM servers WHERE latest_sample_id IS NOT NULL") == 20)
    }

    @Test func failuresAreRecordedByKindAndOnlyTransientOnesAreRetried() async throws {
        let harness = try await CollectorHarness.make()
        let silent = try SilentListener()
        defer { silent.close() }
        let closedPort = try unusedPort()
        let servers = [
            harness.server("refused") {
                $0.host = "127.0.0.1"; $0.port = closedPort
            },
            harness.server("silent") {
                $0.host = "127.0.0.1"; $0.port = silent.port
            },
            harness.server("wrong-password", host: 1) {
                $0.keyFile = nil; $0.password = Secret("not-the-password")
            },
            harness.server("healthy", host: 2),
        ]
        // A short backoff leaves room in the 4 s budget for the refused host's retries even when
        // a loaded machine makes each connect slow (with the 1 s default, one slow connect
        // left no room for a second attempt).
        let settings = try harness.settings(["PROBE_TIMEOUT_SECONDS": "4", "COLLECT_RETRY_BACKOFF_MS": "100"])
        let report = try await harness.run(servers, settings: settings)

        #expect(harness.line(report, "refused")?.failureKind == "refused")
        // Retried (3 attempts unless a loaded machine made the retries outgrow the budget).
        #expect((harness.line(report, "refused")?.attempts ?? 0) >= 2)
        #expect(harness.line(report, "silent")?.failureKind == "timeout")
        #expect(harness.line(report, "silent")?.attempts == 1, "a host that used up the whole probe timeout is not tried again")
        #expect(harness.line(report, "wrong-password")?.failureKind == "auth")
        #expect(harness.line(report, "wrong-password")?.attempts == 1)
        #expect(harness.line(report, "healthy")?.outcome == "ok")
        // (No wall-clock bound: a loaded machine stretches it. One attempt for the silent host
        // is what keeps it from holding the run for three timeouts.)
        // No secret in anything stored or reported.
        #expect(!report.servers.contains { ($0.message ?? "").contains("not-the-password") })
        #expect(try await harness.count("SELECT count(*) AS n FROM run_outcomes WHERE message LIKE '%not-the-password%'") == 0)

        // Failed servers have no sample, show their error, and have an offline alert.
        let snapshots = try await harness.test.database.metrics.latest()
        for name in ["refused", "silent", "wrong-password"] {
            let snapshot = try #require(snapshots.first { $0.server.name == name })
            #expect(snapshot.latest == nil)
            #expect(snapshot.server.lastError != nil)
            #expect(StatusClassifier().classify(snapshot).status == .offline)
        }
        let alerts = try await harness.test.database.alerts.list(.active)
        #expect(Set(alerts.filter { $0.type == .offline }.map(\.serverName)) == ["refused", "silent", "wrong-password"])
        // Counted, not assumed: the healthy server's sample (whole) and nothing for the others.
        #expect(try await harness.count("SELECT count(*) AS n FROM server_metrics") == 1)
        #expect(try await harness.count("SELECT count(*) AS n FROM server_metrics m JOIN servers s ON s.id = m.server_id WHERE s.name = 'healthy'") == 1)
        #expect(try await harness.count("SELECT count(*) AS n FROM filesystems") >= 1)
        #expect(try await harness.count("SELECT count(*) AS n FROM run_outcomes") == 4)
    }

    @Test func changedHostKeyIsRefusedAndRaisesASecurityAlert() async throws {
        let harness = try await CollectorHarness.make()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // A known_hosts that pins a different ed25519 key for the host.
        let wrongKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5vdC10aGUtcmVhbC1rZXktMDEyMzQ1Njc4OWFiY2RlZmdoaWo="
        let knownHosts = try folder.file("known_hosts", contents: "\(harness.hosts.knownHostsName(0)) \(wrongKey)\n")
        for policy in ["strict", "accept-new"] {
            let report = try await harness.run(
                [harness.server("changed", host: 0)], settings: try harness.settings(["KNOWN_HOSTS_FILE": knownHosts, "HOST_KEY_POLICY": policy]))
            #expect(harness.line(report, "changed")?.failureKind == "host_key", "policy \(policy)")
            #expect(harness.line(report, "changed")?.attempts == 1)
        }
        let alerts = try await harness.test.database.alerts.list(.active)
        #expect(alerts.map(\.type) == [.hostKey])
        #expect(alerts.first?.severity == .critical)
        #expect(try await harness.test.database.servers.named("changed")?.lastError?.kind == .hostKey)
        #expect(try await harness.count("SELECT count(*) AS n FROM server_metrics") == 0)
        #expect(try await harness.count("SELECT count(*) AS n FROM run_outcomes WHERE failure_kind = 'host_key'") == 2)
    }

    @Test func unknownHostIsRefusedUnderStrictAndLearnedUnderAcceptNew() async throws {
        let harness = try await CollectorHarness.make()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let knownHosts = folder.path + "/known_hosts"
        let strict = try await harness.run([harness.server("unknown", host: 3)], settings: try harness.settings(["KNOWN_HOSTS_FILE": knownHosts]))
        #expect(harness.line(strict, "unknown")?.failureKind == "host_key")
        let learned = try await harness.run(
            [harness.server("unknown", host: 3)], settings: try harness.settings(["KNOWN_HOSTS_FILE": knownHosts, "HOST_KEY_POLICY": "accept-new"]))
        #expect(harness.line(learned, "unknown")?.outcome == "ok")
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).contains(harness.hosts.knownHostsName(3)))
        let strictAgain = try await harness.run([harness.server("unknown", host: 3)], settings: try harness.settings(["KNOWN_HOSTS_FILE": knownHosts]))
        #expect(harness.line(strictAgain, "unknown")?.outcome == "ok")
        // Success resolves the host-key alert the first run opened.
        #expect(try await harness.test.database.alerts.list(.active).filter { $0.type == .hostKey }.isEmpty)
        // (CPU alerts may come and go too on a busy machine; only the host-key one is judged.)
        #expect(try await harness.test.database.alerts.list(.resolved).filter { $0.type == .hostKey }.count == 1)
    }

    @Test func garbageAndHugeProbeOutputFailAsProbeErrorsWithoutStoringASample() async throws {
        let harness = try await CollectorHarness.make()
        let garbage = Array("head -c 200000 /dev/urandom\n".utf8)
        let report = try await harness.run([harness.server("garbage", host: 4)], script: garbage)
        #expect(harness.line(report, "garbage")?.failureKind == "probe")
        #expect(harness.line(report, "garbage")?.attempts == 1)

        let huge = Array("yes '@@sd:begin version=1' | head -c 6000000\n".utf8)
        let hugeReport = try await harness.run([harness.server("huge", host: 5)], script: huge)
        #expect(harness.line(hugeReport, "huge")?.failureKind == "probe")
        #expect(harness.line(hugeReport, "huge")?.message?.contains("MiB") == true || harness.line(hugeReport, "huge")?.message?.contains("limit") == true)
        #expect(try await harness.count("SELECT count(*) AS n FROM server_metrics") == 0)
    }

    @Test func alertsOpenOncePerServerAndMetricAndResolveWhenBackToNormal() async throws {
        let harness = try await CollectorHarness.make()
        let servers = [harness.server("alerting", host: 6)]
        // RAM above 0.001 % is "critical" under these thresholds.
        let strict = try harness.settings(["THRESHOLD_RAM_WARNING": "0", "THRESHOLD_RAM_CRITICAL": "0.001"])
        _ = try await harness.run(servers, settings: strict)
        _ = try await harness.run(servers, settings: strict)
        var active = try await harness.test.database.alerts.list(.active)
        #expect(active.filter { $0.type == .ram }.count == 1)
        #expect(active.first { $0.type == .ram }?.severity == .critical)
        #expect(try await harness.count("SELECT count(*) AS n FROM alerts WHERE type = 'ram'") == 1)

        // RAM in use is far below 100 % on a test host (CPU may not be on a busy machine, so it is not judged here).
        let relaxed = try harness.settings(["THRESHOLD_RAM_WARNING": "100", "THRESHOLD_RAM_CRITICAL": "100"])
        _ = try await harness.run(servers, settings: relaxed)
        active = try await harness.test.database.alerts.list(.active)
        #expect(active.filter { $0.type == .ram }.isEmpty)
        #expect(try await harness.test.database.alerts.list(.resolved).contains { $0.type == .ram })
    }

    @Test func hostileProcessNamesAreStoredVerbatim() async throws {
        let harness = try await CollectorHarness.make()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // The kernel keeps 15 bytes of a process name: "<script>alert(1" is what a host can show.
        let program = folder.path + "/<script>alert(1)"
        try FileManager.default.copyItem(atPath: "/usr/bin/yes", toPath: program)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        // It runs under a uid of its own (no passwd entry, so the probe names the user by the number):
        // the test user also runs the probes of every other test, and any of them could be its top process.
        // setpriv execs the program itself, so killing this pid kills it.
        let uid = "64123"
        let busy = try BackgroundProcess.start(["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--", program])
        defer { busy.kill() }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await harness.run([harness.server("hostile", host: 7)])
        let users = try await harness.test.database.users.top(TopUsersQuery(server: "hostile", search: uid))
        #expect(users.map(\.username) == [uid])
        #expect(users.first?.topProcess == "<script>alert(1")
        #expect(try await harness.count("SELECT count(*) AS n FROM servers") == 1)
    }

    @Test func aStopRequestStartsNoMoreServersAndMarksTheRunInterrupted() async throws {
        let harness = try await CollectorHarness.make()
        let servers = (0..<6).map { harness.server("stop-\($0)", host: $0) }
        let stop = StopSignal()
        stop.request()
        let report = try await harness.run(servers, stop: stop)
        #expect(report.state == .interrupted)
        #expect(report.servers.isEmpty)
        #expect(try await harness.test.database.runs.recent().first?.state == .interrupted)
        #expect(try await harness.count("SELECT count(*) AS n FROM server_metrics") == 0)
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Collector

/// Nothing collected is lost while PostgreSQL is away: the spool, its replay and its limits,
/// against a real PostgreSQL cluster of the test's own (stopped and started by the test)
/// and the real sshd test hosts.
@Suite(.tags(.postgres, .sshHosts, .builtProducts)) struct SpoolTests {
    static let logger = Logger(label: "spool-tests")

    static func temporaryFolder() -> String {
        NSTemporaryDirectory() + "sd-spool-" + UUID().uuidString.prefix(8)
    }

    /// Samples stored, and how many of them were collected in `window`.
    static func samples(_ database: Database, collectedIn window: ClosedRange<Date>? = nil) async throws -> (all: Int, inWindow: Int) {
        let lower = window?.lowerBound ?? Date(timeIntervalSince1970: 0)
        let upper = window?.upperBound ?? Date(timeIntervalSince1970: 4_102_444_800)
        let row = try #require(
            try await database.pool.query(
                """
                SELECT count(*) AS n, count(*) FILTER (WHERE collected_at BETWEEN \(lower) AND \(upper)) AS w FROM server_metrics
                """
            ).first)
        return (try row.require("n"), try row.require("w"))
    }

    static func spoolFiles(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    @Test func databaseDownAtStartSpoolsEverySampleAndTheNextRunStoresThemFirst() async throws {
        let hosts = try TestHosts.load()
        try await OwnCluster.with { cluster in
            let spool = Self.temporaryFolder()
            var environment = CollectorCommandTests.environment(
                nil,
                [
                    "DATABASE_URL": cluster.url, "SPOOL_DIR": spool, "KNOWN_HOSTS_FILE": hosts.knownHosts,
                    "SERVER1_NAME": "here", "SERVER1_HOST": "local",
                ])
            environment.merge(CollectorCommandTests.sshServer(2, name: "ssh-a", hosts: hosts, host: 1)) { _, new in new }
            environment.merge(CollectorCommandTests.sshServer(3, name: "ssh-b", hosts: hosts, host: 2)) { _, new in new }

            try await cluster.run("stop")
            let before = Date()
            let down = try await CollectorCommandTests.collector(["run", "--once"], environment)
            let after = Date()
            #expect(down.status == 2, "\(down.stderr)")
            #expect(down.stderr.contains("cannot connect to PostgreSQL"), "\(down.stderr)")
            #expect(down.stderr.contains("collecting without the database: results go to the spool in \(spool)"), "\(down.stderr)")
            #expect(down.stdout.contains("3 results kept in the spool"), "\(down.stdout)")
            let files = Self.spoolFiles(spool)
            #expect(files.count == 1)
            let status = try await CollectorCommandTests.collector(["spool"], environment)
            #expect(status.status == 0)
            #expect(status.stdout.contains("1 file, 3 results"), "\(status.stdout)")

            try await cluster.run("start")
            let back = try await CollectorCommandTests.collector(["run", "--once"], environment)
            #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
            #expect(Self.spoolFiles(spool).isEmpty)

            let database = Database(configuration: DatabaseConfiguration(connectionString: cluster.url), logger: Self.logger)
            // Every collected sample, at the time it was collected: 3 from the run without
            // the database, 3 from the run after.
            let counts = try await Self.samples(database, collectedIn: before...after)
            #expect(counts.all == 6)
            #expect(counts.inWindow == 3)
            let perServer = try await database.pool.query(
                """
                SELECT s.name, count(m.id) AS n FROM servers s LEFT JOIN server_metrics m ON m.server_id = s.id GROUP BY s.name ORDER BY s.name
                """)
            var byName: [String: Int] = [:]
            for row in perServer.rows { byName[try row.require("name")] = try row.require("n") }
            #expect(byName == ["here": 2, "ssh-a": 2, "ssh-b": 2])
            // The spooled samples came whole: filesystems and users with them.
            let orphans = try await database.pool.query(
                """
                SELECT count(*) AS n FROM server_metrics m WHERE NOT EXISTS (SELECT 1 FROM filesystems f WHERE f.sample_id = m.id)
                """
            ).first?.require("n", as: Int.self)
            #expect(orphans == 0)
            let spoolAfter = try await CollectorCommandTests.collector(["spool"], environment)
            #expect(spoolAfter.stdout.contains("0 files, 0 results"), "\(spoolAfter.stdout)")
        }
    }

    @Test func postgresRestartedMidRunLosesNothing() async throws {
        let harness = try await CollectorHarness.make()
        try await OwnCluster.with { cluster in
            let database = Database(configuration: DatabaseConfiguration(connectionString: cluster.url), logger: Self.logger)
            try await database.migrate(logger: Self.logger)
            let servers = (1...8).map { harness.server("mid-\($0)", host: $0) }
            let settings = try harness.settings(["COLLECT_CONCURRENCY": "1"])
            let coordinator = try harness.coordinator(settings: settings, databaseURL: cluster.url)
            let before = Date()
            let finished = Counter()
            let first = Task {
                try await coordinator.run(inventory: Inventory(servers: servers, problems: []), shard: nil, stop: StopSignal()) { _ in finished.increment() }
            }
            // Once the run is collecting (a server is done), stop PostgreSQL until a server has
            // been collected and stored wholly inside the outage, then bring it back. With one
            // server at a time, the second to finish after the stop started after it: its store
            // met the outage. (A fixed outage could fall between two stores on a loaded machine.)
            while finished.value < 1 { try await Task.sleep(for: .milliseconds(20)) }
            try await cluster.run("stop")
            let finishedAtStop = finished.value
            let outageCap = ContinuousClock.now + .seconds(60)
            while finished.value < finishedAtStop + 2, finished.value < servers.count, ContinuousClock.now < outageCap {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await cluster.run("start")
            let report = try await first.value
            let after = Date()
            #expect(report.servers.count == 8)
            #expect(report.spooled >= 1, "a server finished inside the outage: \(report.servers.map { "\($0.serverName) \($0.outcome)" })")
            for line in report.servers where line.outcome == "failed" {
                #expect(line.failureKind == "storage")
                #expect(line.message?.contains("kept in the spool") == true, "\(line.message ?? "")")
            }

            let second = try await harness.run(servers, settings: settings, databaseURL: cluster.url)
            #expect(second.ok == 8)
            #expect(Self.spoolFiles(harness.spoolDirectory).isEmpty)
            let counts = try await Self.samples(database, collectedIn: before...after)
            #expect(counts.inWindow == 8, "every sample of the interrupted run is stored")
            #expect(counts.all == 16)
        }
    }

    /// The default rules, no channel: what a run without NOTIFY_URLS judges with.
    static func judge(_ database: Database) throws -> AlertJudge {
        AlertJudge(database: database, inventory: Inventory(servers: [], problems: []), settings: try CollectorSettings(environment: [:]), silences: [])
    }

    @Test func replayedSamplesOpenAndResolveAlertsAtTheTimeTheyWereCollected() async throws {
        let test = try await TestDatabase.make()
        let folder = Self.temporaryFolder()
        let directory = SpoolDirectory(path: folder, maximumBytes: 1 << 20)
        let start = Date(timeIntervalSince1970: 1_764_000_000)
        let minute = { (minutes: Double) in start.addingTimeInterval(minutes * 60) }
        let server = ServerConfig(name: "busy", host: "10.0.0.2", username: "u", password: Secret("p"))
        // While PostgreSQL was away: CPU critical, then normal, then critical again.
        let writer = SpoolWriter(directory: directory, startedAt: start)
        for (at, cpu) in [(0.0, 97.0), (15, 10), (30, 96)] {
            try await writer.append(SpoolEntry(server: server, sample: makeSample(at: minute(at), cpu: cpu)))
        }
        writer.close()
        let replay = await SpoolReplayer(directory: directory, database: test.database, judge: try Self.judge(test.database), logger: Self.logger).replay(
            serverIDs: [:])
        #expect(replay.stored == 3)
        #expect(replay.alertsOpened >= 2)

        func cpuAlerts() async throws -> [Alert] {
            try await test.database.alerts.list(.all).filter { $0.type == .cpu }.sorted { $0.openedAt < $1.openedAt }
        }
        let alerts = try await cpuAlerts()
        #expect(alerts.count == 2)
        #expect(alerts.first?.openedAt == minute(0))
        #expect(alerts.first?.resolvedAt == minute(15), "the alert that cleared during the outage shows as resolved, when it cleared")
        #expect(alerts.last?.openedAt == minute(30))
        #expect(alerts.last?.resolvedAt == nil)
        #expect(alerts.last?.severity == .critical)

        // A spooled sample older than the server's newest stored one is stored, and changes
        // no alert: it would otherwise resolve the open alert before it opened.
        let late = SpoolWriter(directory: directory, startedAt: minute(60))
        try await late.append(SpoolEntry(server: server, sample: makeSample(at: minute(20), cpu: 5)))
        late.close()
        let stale = await SpoolReplayer(directory: directory, database: test.database, judge: try Self.judge(test.database), logger: Self.logger).replay(
            serverIDs: [:])
        #expect(stale.stored == 1)
        #expect(stale.alertsOpened == 0)
        #expect(try await cpuAlerts() == alerts)
        #expect(try await Self.samples(test.database).all == 4)
    }

    @Test func replayingTheSameSpoolTwiceStoresOnce() async throws {
        let test = try await TestDatabase.make()
        let folder = Self.temporaryFolder()
        let directory = SpoolDirectory(path: folder, maximumBytes: 1 << 20)
        let start = Date(timeIntervalSince1970: 1_764_000_000.123456)
        let writer = SpoolWriter(directory: directory, startedAt: start)
        let server = ServerConfig(name: "spooled", host: "10.0.0.1", username: "u", password: Secret("p"))
        for minute in 0..<3 {
            try await writer.append(SpoolEntry(server: server, sample: makeSample(at: start.addingTimeInterval(Double(minute) * 60))))
        }
        #expect(writer.entries == 3)
        let file = try #require(Self.spoolFiles(folder).first)
        let copy = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))

        let replayer = SpoolReplayer(directory: directory, database: test.database, judge: try Self.judge(test.database), logger: Self.logger)
        // The writer still holds its file: a replay leaves it alone.
        let busy = await replayer.replay(serverIDs: [:])
        #expect(busy.files == 0 && busy.stored == 0)
        writer.close()

        let firstReplay = await SpoolReplayer(directory: directory, database: test.database, judge: try Self.judge(test.database), logger: Self.logger).replay(
            serverIDs: [:])
        #expect(firstReplay == SpoolReplayer.Outcome(files: 1, stored: 3))
        #expect(Self.spoolFiles(folder).isEmpty)
        // As if the collector had died between storing the file and removing it.
        try copy.write(to: URL(fileURLWithPath: folder + "/" + file))
        let again = await replayer.replay(serverIDs: [:])
        #expect(again == SpoolReplayer.Outcome(files: 1, stored: 0, alreadyStored: 3))

        let counts = try await Self.samples(test.database)
        #expect(counts.all == 3)
        let children = try #require(
            try await test.database.pool.query(
                """
                SELECT (SELECT count(*) FROM filesystems) AS f, (SELECT count(*) FROM top_users) AS u,
                       (SELECT min(collected_at) FROM server_metrics) AS first
                """
            ).first)
        #expect(try children.require("f", as: Int.self) == 6)
        #expect(try children.require("u", as: Int.self) == 6)
        // The time it was collected, to the microsecond PostgreSQL keeps.
        let firstCollected = try children.require("first", as: Date.self)
        #expect(abs(firstCollected.timeIntervalSince(start)) < 0.000_001)
        // A server no longer in the inventory is added, disabled, to keep its history.
        let stored = try #require(try await test.database.servers.named("spooled"))
        #expect(stored.enabled == false)
    }

    @Test func aGarbledSpoolFileIsQuarantinedAndDoesNotBlockTheFilesAfterIt() async throws {
        let test = try await TestDatabase.make()
        let folder = Self.temporaryFolder()
        let directory = SpoolDirectory(path: folder, maximumBytes: 1 << 20)
        let server = ServerConfig(name: "g", host: "10.0.0.2", username: "u", password: Secret("p"))
        let base = Date(timeIntervalSince1970: 1_764_000_000)
        func line(_ minutes: Double) throws -> String {
            String(
                decoding: try SpoolEntry.makeEncoder().encode(SpoolEntry(server: server, sample: makeSample(at: base.addingTimeInterval(minutes * 60)))),
                as: UTF8.self)
        }
        try directory.create()
        // Oldest: a readable line, garbage, binary junk, another readable line.
        let junk = "{\"v\":1,\"server\":\n" + String(decoding: [0xFF, 0xFE, 0x00, 0x41] as [UInt8], as: UTF8.self) + "\n"
        let garbled = try line(0) + "\n" + junk + line(1) + "\n"
        try garbled.write(toFile: folder + "/run-20251124T000000.000Z-1.jsonl", atomically: false, encoding: .utf8)
        // Then a file from a run that died mid-write: its torn last line is ignored, not garbage.
        let torn = try line(2) + "\n" + String(line(3).prefix(40))
        try torn.write(toFile: folder + "/run-20251124T001500.000Z-2.jsonl", atomically: false, encoding: .utf8)
        // And a good one after both.
        let good = try line(4) + "\n"
        try good.write(toFile: folder + "/run-20251124T003000.000Z-3.jsonl", atomically: false, encoding: .utf8)
        // An unknown format version is not guessed at.
        try ("{\"v\":99}\n").write(toFile: folder + "/run-20251124T004500.000Z-4.jsonl", atomically: false, encoding: .utf8)

        let outcome = await SpoolReplayer(directory: directory, database: test.database, judge: try Self.judge(test.database), logger: Self.logger).replay(
            serverIDs: [:])
        #expect(outcome.files == 4)
        #expect(outcome.stored == 4)
        #expect(outcome.quarantined == 2)
        #expect(Self.spoolFiles(folder).isEmpty)
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: directory.quarantinePath).sorted()
        #expect(quarantined == ["run-20251124T000000.000Z-1.jsonl", "run-20251124T004500.000Z-4.jsonl"])
        #expect(try await Self.samples(test.database).all == 4)
        let status = directory.status()
        #expect(status.quarantinedFiles == 2 && status.files == 0)
    }

    @Test func theSpoolIsBoundedAndSaysSoWhenFull() async throws {
        let folder = Self.temporaryFolder()
        let server = ServerConfig(name: "b", host: "10.0.0.3", username: "u", password: Secret("p"))
        let entry = SpoolEntry(server: server, sample: makeSample(at: Date()))
        let lineBytes = try SpoolEntry.makeEncoder().encode(entry).count + 1
        // Room for two lines, counting what an earlier run left behind.
        let directory = SpoolDirectory(path: folder, maximumBytes: lineBytes * 3)
        let earlier = SpoolWriter(directory: directory, startedAt: Date(timeIntervalSinceNow: -900))
        try await earlier.append(entry)
        let writer = SpoolWriter(directory: directory, startedAt: Date())
        try await writer.append(entry)
        try await writer.append(entry)
        await #expect(throws: SpoolError.self) { try await writer.append(entry) }
        do throws(SpoolError) {
            try await writer.append(entry)
        } catch {
            #expect(error.description.contains("the spool is full"))
            #expect(error.description.contains("SPOOL_MAX_MB"))
        }
        #expect(writer.entries == 2)
        #expect(directory.status().entries == 3)
        // Every line on disk is whole: a reader finds three results.
        withExtendedLifetime(earlier) {
            #expect(SpoolReplayer.openUnlocked(folder + "/" + Self.spoolFiles(folder)[0]) == nil, "the first writer still holds its file")
        }
    }

    @Test func hostKeyPolicyOffWarnsOnEveryRun() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        var environment = CollectorCommandTests.environment(test, ["HOST_KEY_POLICY": "off", "KNOWN_HOSTS_FILE": "/dev/null"])
        environment.merge(CollectorCommandTests.sshServer(1, name: "unchecked", hosts: hosts, host: 3)) { _, new in new }
        for _ in 0..<2 {
            let result = try await CollectorCommandTests.collector(["run", "--once"], environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("HOST_KEY_POLICY=off: SSH host keys are NOT verified"), "\(result.stderr)")
        }
        // And under the default policy, no such warning.
        environment["HOST_KEY_POLICY"] = nil
        environment["KNOWN_HOSTS_FILE"] = hosts.knownHosts
        let strict = try await CollectorCommandTests.collector(["run", "--once"], environment)
        #expect(strict.status == 0, "\(strict.stderr)")
        #expect(!strict.stderr.contains("HOST_KEY_POLICY=off"))
    }
}

/// How many servers a run has finished, as its `onServer` callback counts them.
final class Counter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }

    var value: Int { count.withLock { $0 } }
}

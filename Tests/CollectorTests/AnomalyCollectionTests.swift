import DashboardCore
import DashboardStorage
import Foundation
import Logging
import TestSupport
import Testing

@testable import Collector

/// Anomaly flags as the collector produces them (docs/anomalies.md, "When it runs"): a real
/// `collector run --once` against a loopback sshd host scores its new sample once the server
/// has enough history, keeps the model for the day, and opens the `anomaly` alert only with
/// `ANOMALY_ALERTS=true`; `collector anomalies` rescores a range.
@Suite(.tags(.postgres, .sshHosts, .builtProducts)) struct AnomalyCollectionTests {
    static let name = "anomaly-host"

    /// A small deterministic generator for seeded history (the same figures every run).
    struct Noise {
        var state: UInt64
        /// A number in [-1, 1).
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 52) - 1
        }
    }

    /// An ordinary sample: CPU around 20 %, memory around 50 %, ~40 connections, ~230 processes.
    static func calm(at time: Date, index: Int, noise: inout Noise) -> MetricSample {
        var sample = makeSample(
            at: time, cpu: 20 + 6 * noise.next(), ram: (16_000_000_000, Int64(8_000_000_000 + 600_000_000 * noise.next())),
            rootUsed: 40 + Int64(index % 2), rx: 1_000_000 + Int64(index) * 100_000_000, tx: 2_000_000 + Int64(index) * 50_000_000)
        sample.load1 = 0.8 + 0.3 * noise.next()
        sample.tcpConnections = 40 + Int(6 * noise.next())
        sample.processCount = 230 + Int(10 * noise.next())
        sample[.diskReadBytesPerSecond] = 1_000_000 + 300_000 * noise.next()
        sample[.diskWriteBytesPerSecond] = 250_000 + 80_000 * noise.next()
        return sample
    }

    /// A sample no real host in the tests comes near: everything at the top and far beyond.
    static func busy(at time: Date, index: Int, noise: inout Noise) -> MetricSample {
        var sample = makeSample(
            at: time, cpu: 99 + 0.5 * noise.next(), ram: (16_000_000_000, Int64(100_000_000 + 20_000_000 * noise.next())), rootUsed: 99,
            rx: 1_000_000 + Int64(index) * 900_000_000_000, tx: 2_000_000 + Int64(index) * 900_000_000_000)
        sample.load1 = 400 + 20 * noise.next()
        sample.tcpConnections = 60_000 + Int(500 * noise.next())
        sample.processCount = 30_000 + Int(200 * noise.next())
        sample[.diskReadBytesPerSecond] = 5_000_000_000 + 100_000_000 * noise.next()
        sample[.diskWriteBytesPerSecond] = 5_000_000_000 + 100_000_000 * noise.next()
        return sample
    }

    /// Stores `count` samples of server `name` made by `make`, one every `spacing` seconds up to
    /// `end`, and returns the server's id and the samples' ids (oldest first).
    @discardableResult
    static func seed(
        _ test: TestDatabase, name: String = name, count: Int, spacing: TimeInterval = 3600, end: Date = Date().addingTimeInterval(-900),
        make: (Date, Int, inout Noise) -> MetricSample = calm
    ) async throws -> (serverID: Int64, sampleIDs: [Int64]) {
        let serverID = try await test.database.servers.ensure(name: name, host: "127.0.0.1", port: 22)
        var noise = Noise(state: 42)
        var ids: [Int64] = []
        for index in 0..<count {
            let time = end.addingTimeInterval(-Double(count - 1 - index) * spacing)
            ids.append(try #require(try await test.database.samples.store(make(time, index, &noise), serverID: serverID)))
        }
        return (serverID, ids)
    }

    /// `collector run --once` over the loopback test host, as cron runs it.
    @discardableResult
    static func run(_ test: TestDatabase, _ extra: [String: String] = [:]) async throws -> ProgramResult {
        let hosts = try TestHosts.load()
        var environment = CollectorCommandTests.environment(test, ["KNOWN_HOSTS_FILE": hosts.knownHosts])
        environment.merge(CollectorCommandTests.sshServer(1, name: name, hosts: hosts, host: 3)) { _, new in new }
        environment.merge(extra) { _, new in new }
        let result = try await CollectorCommandTests.collector(["run", "--once"], environment)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        return result
    }

    static func scores(_ test: TestDatabase) async throws -> [(sampleID: Int64, score: Double, reason: String)] {
        try await test.database.pool.query("SELECT sample_id, score, reason::text AS reason FROM anomaly_scores ORDER BY collected_at").rows.map {
            (try $0.require("sample_id"), try $0.require("score"), try $0.require("reason"))
        }
    }

    static func trainedAt(_ test: TestDatabase, serverID: Int64) async throws -> Date? {
        try await test.database.anomalies.model(serverID: serverID)?.trainedAt
    }

    static func anomalyAlerts(_ test: TestDatabase) async throws -> [Alert] {
        try await test.database.alerts.list(.all).filter { $0.type == .anomaly }
    }

    @Test func aRunScoresTheNewSampleAndKeepsTheModelForTheDay() async throws {
        let test = try await TestDatabase.make()
        let (serverID, _) = try await Self.seed(test, count: 240)
        try await Self.run(test)

        let latest = try #require(try await test.database.servers.latestSampleID(serverID: serverID))
        let scored = try await Self.scores(test)
        #expect(scored.map(\.sampleID) == [latest], "only the sample this run stored is scored")
        let score = try #require(scored.first)
        #expect(score.score >= 0 && score.score <= 1)
        // The reason is the API's shape: a list of {figure, value, typical}, at most three.
        let reason = try JSONDecoder().decode([AnomalyReason].self, from: Data(score.reason.utf8))
        #expect(reason.count <= 3)
        #expect(reason.allSatisfy { AnomalyFeatures.keys.contains($0.figure) })
        let model = try #require(try await test.database.anomalies.model(serverID: serverID))
        #expect(model.sampleCount == 241)
        #expect(Date().timeIntervalSince(model.trainedAt) < 600)

        // The same day: the stored model is used, not trained again.
        try await Self.run(test)
        #expect(try await Self.scores(test).count == 2)
        #expect(try await Self.trainedAt(test, serverID: serverID) == model.trainedAt)

        // A day later it is: a model older than 24 hours is trained again on the next run.
        try await test.database.pool.query("UPDATE anomaly_models SET trained_at = trained_at - interval '25 hours'")
        try await Self.run(test)
        #expect(try await Self.scores(test).count == 3)
        #expect(try #require(try await Self.trainedAt(test, serverID: serverID)) > model.trainedAt)
        #expect(try await test.database.anomalies.model(serverID: serverID)?.sampleCount == 243)
    }

    @Test func fewerSamplesThanTheMinimumGiveNoModelAndNoScore() async throws {
        let test = try await TestDatabase.make()
        let (serverID, _) = try await Self.seed(test, count: 150)
        try await Self.run(test)
        #expect(try await Self.scores(test).isEmpty)
        #expect(try await test.database.anomalies.model(serverID: serverID) == nil)
        #expect(try await test.database.servers.latestSampleID(serverID: serverID) != nil, "the sample is stored all the same")

        // A lower ANOMALY_MIN_SAMPLES lets the same history be scored.
        try await Self.run(test, ["ANOMALY_MIN_SAMPLES": "100"])
        #expect(try await Self.scores(test).count == 1)
    }

    @Test func theAnomalyAlertOpensOnlyWithAnomalyAlertsTrue() async throws {
        let test = try await TestDatabase.make()
        // History the loopback host's real figures are far from: its next sample is an anomaly.
        let (serverID, _) = try await Self.seed(test, count: 240, make: Self.busy)
        try await Self.run(test)
        let first = try #require(try await Self.scores(test).last)
        #expect(first.score >= 0.65, "\(first)")
        #expect(first.reason != "[]")
        #expect(try await Self.anomalyAlerts(test).isEmpty, "ANOMALY_ALERTS is false by default")
        try await Self.run(test, ["ANOMALY_ALERTS": "false"])
        #expect(try await Self.anomalyAlerts(test).isEmpty)

        try await Self.run(test, ["ANOMALY_ALERTS": "true"])
        let alerts = try await Self.anomalyAlerts(test)
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.isActive && alert.severity == .warning && alert.serverName == Self.name)
        let latest = try #require(try await Self.scores(test).last)
        #expect(alert.value == latest.score)
        #expect(alert.message.hasPrefix("\(Self.name): unusual sample (anomaly score "), "\(alert.message)")
        #expect(alert.message.contains("(typical "), "\(alert.message)")
        #expect(try await Self.trainedAt(test, serverID: serverID) != nil)

        // Turned off again: the open anomaly alert resolves with the next sample.
        try await Self.run(test)
        #expect(try await Self.anomalyAlerts(test).allSatisfy { !$0.isActive })
    }

    @Test func anomaliesCommandRescoresASeededRangeAndFindsAPlantedOutlier() async throws {
        let test = try await TestDatabase.make()
        let end = Date().addingTimeInterval(-3600)
        let (serverID, ids) = try await Self.seed(test, count: 400, spacing: 900, end: end) { time, index, noise in
            index == 300 ? Self.busy(at: time, index: index, noise: &noise) : Self.calm(at: time, index: index, noise: &noise)
        }
        let environment = CollectorCommandTests.environment(test, [:])
        let from = Timestamp.format(end.addingTimeInterval(-199 * 900))
        let to = Timestamp.format(end.addingTimeInterval(1))
        let result = try await CollectorCommandTests.collector(["anomalies", "--server", Self.name, "--from", from, "--to", to], environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("scored 200 samples of \(Self.name) from \(from) to \(to): "), "\(result.stdout)")
        let scored = try await Self.scores(test)
        #expect(scored.count == 200)
        let outlier = try #require(scored.first { $0.sampleID == ids[300] })
        #expect(outlier.score >= 0.65, "\(outlier)")
        #expect(scored.max { $0.score < $1.score }?.sampleID == ids[300])
        let anomalies = scored.filter { $0.score >= 0.65 }.count
        #expect(result.stdout.contains(": \(anomalies) \(anomalies == 1 ? "anomaly" : "anomalies") (score ≥ 0.65)"), "\(result.stdout)")
        #expect(try await test.database.anomalies.model(serverID: serverID)?.sampleCount == 400)

        // Again over everything: every sample, the same scores for the same ones (same model).
        let all = try await CollectorCommandTests.collector(["anomalies", "--server", Self.name], environment)
        #expect(all.status == 0 && all.stdout.hasPrefix("scored 400 samples of \(Self.name) from its first sample to "), "\(all.stdout) \(all.stderr)")
        #expect(try await Self.scores(test).first { $0.sampleID == ids[300] }?.score == outlier.score)
        #expect(try await Self.anomalyAlerts(test).isEmpty, "rescoring opens no alert")

        let unknown = try await CollectorCommandTests.collector(["anomalies", "--server", "nowhere"], environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("no server named nowhere"), "\(unknown.stderr)")
        let reversed = try await CollectorCommandTests.collector(["anomalies", "--server", Self.name, "--from", to, "--to", from], environment)
        #expect(reversed.status == 64 && reversed.stderr.contains("--from must lie before --to"), "\(reversed.stderr)")
        let help = try await CollectorCommandTests.collector(["anomalies", "--help"], environment)
        #expect(help.status == 0 && help.stdout.contains("--server") && help.stdout.contains("ANOMALY_MIN_SAMPLES"), "\(help.stdout)")
    }

    @Test func tooLittleHistoryIsSaidAndNothingScored() async throws {
        let test = try await TestDatabase.make()
        try await Self.seed(test, count: 20)
        let result = try await CollectorCommandTests.collector(["anomalies", "--server", Self.name], CollectorCommandTests.environment(test, [:]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("no model for \(Self.name): 20 samples in the last 14 days, ANOMALY_MIN_SAMPLES is 200"), "\(result.stdout)")
        #expect(try await Self.scores(test).isEmpty)
    }

    @Test func badAnomalySettingsAreRefusedByKey() async throws {
        for (key, value) in [
            ("ANOMALY_SCORE_THRESHOLD", "1.5"), ("ANOMALY_SCORE_THRESHOLD", "zero"), ("ANOMALY_WINDOW_DAYS", "0"), ("ANOMALY_MIN_SAMPLES", "1"),
            ("ANOMALY_ALERTS", "yes"),
        ] {
            #expect(throws: ConfigurationError.self) { try CollectorSettings(environment: [key: value]) }
            do {
                _ = try CollectorSettings(environment: [key: value])
            } catch {
                #expect(error.key == key && error.description.contains(value), "\(error)")
            }
        }
        let defaults = try CollectorSettings(environment: [:]).anomaly
        #expect(defaults == AnomalySettings(windowDays: 14, minimumSamples: 200, scoreThreshold: 0.65, alerts: false))
        let set = try CollectorSettings(environment: ["ANOMALY_SCORE_THRESHOLD": "0.7", "ANOMALY_ALERTS": "true", "ANOMALY_WINDOW_DAYS": "30"]).anomaly
        #expect(set == AnomalySettings(windowDays: 30, minimumSamples: 200, scoreThreshold: 0.7, alerts: true))
    }
}

/// The `anomaly` alert through the run's alert rules, in process: debounce, resolution and
/// silences as for every other alert; and hostile figures that never crash the detector.
@Suite(.tags(.postgres)) struct AnomalyAlertRulesTests {
    static let logger = Logger(label: "anomaly-tests")

    static func judge(_ test: TestDatabase, _ environment: [String: String], silences: [Silence] = []) async throws -> (AlertJudge, Int64) {
        let settings = try CollectorSettings(environment: environment)
        let server = ServerConfig(name: "db-01", host: "127.0.0.1", username: "u", password: Secret("p"))
        let inventory = Inventory(servers: [server], problems: [])
        let ids = try await test.database.servers.sync(inventory: [server])
        return (AlertJudge(database: test.database, inventory: inventory, settings: settings, silences: silences), try #require(ids["db-01"]))
    }

    static let high = AnomalyAssessment(score: 0.82, reason: [AnomalyReason(figure: "tcp_connections", value: 412, typical: 38)])
    static let low = AnomalyAssessment(score: 0.41, reason: [])

    @Test func debouncedOpenedAndResolvedLikeEveryOtherAlert() async throws {
        let test = try await TestDatabase.make()
        let (judge, serverID) = try await Self.judge(test, ["ANOMALY_ALERTS": "true", "ALERT_AFTER_SAMPLES": "2", "NOTIFY_URLS": "http://127.0.0.1:9/hook"])
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3600).rounded())
        func at(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }
        _ = try await judge.judge(makeSample(at: at(0)), serverName: "db-01", serverID: serverID, at: at(0), anomaly: Self.high)
        #expect(try await test.database.alerts.list(.active).isEmpty, "one anomalous sample is not enough with ALERT_AFTER_SAMPLES=2")
        let opened = try await judge.judge(makeSample(at: at(15)), serverName: "db-01", serverID: serverID, at: at(15), anomaly: Self.high)
        #expect(opened == [.anomaly])
        let alert = try #require(try await test.database.alerts.list(.active).first)
        #expect(alert.type == .anomaly && alert.severity == .warning && alert.value == 0.82)
        #expect(alert.notifications.count == 1, "told like any other alert")
        #expect(alert.message == "db-01: unusual sample (anomaly score 0.82, threshold 0.65): TCP connections 412 (typical 38)")
        // No score (no model, or scoring failed): the alert stays as it is.
        _ = try await judge.judge(makeSample(at: at(30)), serverName: "db-01", serverID: serverID, at: at(30), anomaly: nil)
        _ = try await judge.judge(makeSample(at: at(45)), serverName: "db-01", serverID: serverID, at: at(45), anomaly: nil)
        #expect(try await test.database.alerts.list(.active).count == 1)
        _ = try await judge.judge(makeSample(at: at(60)), serverName: "db-01", serverID: serverID, at: at(60), anomaly: Self.low)
        _ = try await judge.judge(makeSample(at: at(75)), serverName: "db-01", serverID: serverID, at: at(75), anomaly: Self.low)
        #expect(try await test.database.alerts.list(.active).isEmpty)
        #expect(try await test.database.alerts.list(.all).first?.resolvedAt == at(75))
    }

    @Test func withoutAnomalyAlertsNoAnomalyAlertEverOpens() async throws {
        let test = try await TestDatabase.make()
        let (judge, serverID) = try await Self.judge(test, [:])
        for minute in 0..<3 {
            let time = Date().addingTimeInterval(Double(minute - 10) * 60)
            let opened = try await judge.judge(makeSample(at: time), serverName: "db-01", serverID: serverID, at: time, anomaly: Self.high)
            #expect(opened.isEmpty)
        }
        #expect(try await test.database.alerts.list(.all).filter { $0.type == .anomaly }.isEmpty)
    }

    @Test func aSilenceOfTheAnomalyTypeKeepsItFromBeingNotified() async throws {
        let test = try await TestDatabase.make()
        let now = Date()
        let silence = try await test.database.silences.add(
            scope: .server("db-01"), alertType: .anomaly, reason: "load test tonight", startsAt: now.addingTimeInterval(-60),
            endsAt: now.addingTimeInterval(3600))
        let (judge, serverID) = try await Self.judge(
            test, ["ANOMALY_ALERTS": "true", "NOTIFY_URLS": "http://127.0.0.1:9/hook"], silences: [silence])
        _ = try await judge.judge(makeSample(at: now), serverName: "db-01", serverID: serverID, at: now, anomaly: Self.high)
        let alert = try #require(try await test.database.alerts.list(.active).first)
        #expect(alert.type == .anomaly)
        #expect(alert.silenced?.reason == "load test tonight")
        #expect(alert.notifications.isEmpty, "a silenced alert is not notified")
    }

    @Test func samplesReplayedFromTheSpoolAreScoredOnceWhenStored() async throws {
        let test = try await TestDatabase.make()
        let end = Date().addingTimeInterval(-7200)
        let (serverID, _) = try await AnomalyCollectionTests.seed(test, name: "spooled", count: 240, end: end)
        let folder = NSTemporaryDirectory() + "sd-spool-" + UUID().uuidString.prefix(8)
        let directory = SpoolDirectory(path: folder, maximumBytes: 1 << 20)
        let server = ServerConfig(name: "spooled", host: "127.0.0.1", username: "u", password: Secret("p"))
        let writer = SpoolWriter(directory: directory, startedAt: end)
        var noise = AnomalyCollectionTests.Noise(state: 7)
        for minutes in [15.0, 30] {
            let time = end.addingTimeInterval(minutes * 60)
            try await writer.append(SpoolEntry(server: server, sample: AnomalyCollectionTests.calm(at: time, index: 240, noise: &noise)))
        }
        // Already stored (the last seeded sample, spooled too): not scored again.
        try await writer.append(SpoolEntry(server: server, sample: AnomalyCollectionTests.calm(at: end, index: 239, noise: &noise)))
        writer.close()
        let settings = try CollectorSettings(environment: ["ANOMALY_ALERTS": "true"])
        let judge = AlertJudge(database: test.database, inventory: Inventory(servers: [server], problems: []), settings: settings, silences: [])
        let scorer = AnomalyScorer(database: test.database, settings: settings.anomaly, logger: Self.logger)
        let replay = await SpoolReplayer(directory: directory, database: test.database, judge: judge, logger: Self.logger, anomalies: scorer).replay(
            serverIDs: [:])
        #expect(replay.stored == 2 && replay.alreadyStored == 1)
        let scored = try await test.database.pool.query("SELECT collected_at FROM anomaly_scores ORDER BY collected_at").rows.map {
            try $0.require("collected_at", as: Date.self)
        }
        #expect(scored.count == 2)
        #expect(scored.allSatisfy { $0 > end })
        // Trained once, when the first replayed sample was scored (the history and that sample).
        #expect(try await test.database.anomalies.model(serverID: serverID)?.sampleCount == 241)
    }

    @Test func hostileAndMissingFiguresNeverCrashTrainingOrScoring() async throws {
        let test = try await TestDatabase.make()
        let serverID = try await test.database.servers.ensure(name: "odd-01", host: "127.0.0.1", port: 22)
        let end = Date().addingTimeInterval(-600)
        var ids: [Int64] = []
        for index in 0..<260 {
            let time = end.addingTimeInterval(-Double(259 - index) * 900)
            var sample: MetricSample
            switch index % 5 {
            case 0:
                // Nothing read at all.
                sample = MetricSample(collectedAt: time)
            case 1:
                // A host without swap, counters going backwards, a zero memory total.
                sample = makeSample(at: time, ram: (0, 0), rx: 10_000 - Int64(index), tx: 0)
                sample.swapTotalBytes = 0
                sample.swapFreeBytes = 0
            case 2:
                // Absurd and negative figures, and values that are not numbers (dropped on the way in).
                sample = makeSample(at: time, cpu: 1e300, ram: (Int64.max, Int64.max), rx: Int64.max, tx: Int64.max)
                sample.load1 = -5
                sample.processCount = -3
                sample[.cpuUserPercent] = .nan
                sample[.diskReadBytesPerSecond] = .infinity
                sample.tcpConnections = Int(Int32.max)
            default:
                sample = makeSample(at: time, cpu: Double(index % 50))
            }
            ids.append(try #require(try await test.database.samples.store(sample, serverID: serverID)))
        }
        let settings = try AnomalySettings(environment: [:])
        let scorer = AnomalyScorer(database: test.database, settings: settings, logger: Self.logger)
        #expect(try await scorer.model(serverID: serverID, serverName: "odd-01", now: Date(), force: true) != nil)
        let stored = try await test.database.anomalies.samples(
            serverID: serverID, from: end.addingTimeInterval(-5 * 900), to: end.addingTimeInterval(1), limit: 10)
        for sample in stored {
            let assessment = await scorer.score(sample.sample, sampleID: sample.id, serverID: serverID, serverName: "odd-01")
            let score = try #require(assessment?.score)
            #expect(score >= 0 && score <= 1)
        }
        #expect(try await test.database.pool.query("SELECT count(*) AS n FROM anomaly_scores").first?.require("n", as: Int.self) == stored.count)
    }
}

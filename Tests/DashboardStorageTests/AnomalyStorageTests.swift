import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// The anomaly tables (migration 0006) through `database.anomalies`: models, scores, the
/// samples a model learns from, and retention taking scores with their samples.
@Suite(.tags(.postgres)) struct AnomalyStorageTests {
    static let now = Date(timeIntervalSince1970: 1_764_000_000)

    /// `count` samples of `serverID` every 15 minutes up to `now`, oldest first; returns their ids.
    @discardableResult
    static func seed(_ test: TestDatabase, serverID: Int64, count: Int, end: Date = now) async throws -> [Int64] {
        var ids: [Int64] = []
        for index in 0..<count {
            let time = end.addingTimeInterval(-Double(count - 1 - index) * 900)
            let sample = makeSample(at: time, cpu: 10 + Double(index % 7), rootUsed: 40 + Int64(index % 3), rx: 1_000 + Int64(index) * 90_000)
            ids.append(try #require(try await test.database.samples.store(sample, serverID: serverID)))
        }
        return ids
    }

    @Test func aModelIsStoredReplacedAndReadBack() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        #expect(try await test.database.anomalies.model(serverID: serverID) == nil)
        try await Self.seed(test, serverID: serverID, count: 40)
        let samples = try await test.database.anomalies.trainingSamples(
            serverID: serverID, from: Self.now.addingTimeInterval(-86_400), to: Self.now.addingTimeInterval(1), limit: 1000)
        let first = try #require(AnomalyModel.train(samples: samples, seed: 7, now: Self.now.addingTimeInterval(-7200)))
        try await test.database.anomalies.storeModel(first, serverID: serverID)
        let second = try #require(AnomalyModel.train(samples: samples, seed: 7, now: Self.now))
        try await test.database.anomalies.storeModel(second, serverID: serverID)

        let stored = try #require(try await test.database.anomalies.model(serverID: serverID))
        #expect(stored.trainedAt == Self.now)
        #expect(stored.sampleCount == 40)
        let model = try #require(stored.decodedModel())
        #expect(model.featureKeys == AnomalyFeatures.keys)
        // The model read back scores exactly as the one stored.
        #expect(model.assess(samples[20], previous: samples[19]) == second.assess(samples[20], previous: samples[19]))
        #expect(try await test.database.pool.query("SELECT count(*) AS n FROM anomaly_models").first?.require("n", as: Int.self) == 1)

        // A model this version cannot read is not an error: it is trained again.
        try await test.database.pool.query("UPDATE anomaly_models SET model = '{\"forest\": 1}'::jsonb")
        #expect(try await test.database.anomalies.model(serverID: serverID)?.decodedModel() == nil)
    }

    @Test func trainingSamplesAreTheNewestOfTheWindowOldestFirstWithTheirDiskFigure() async throws {
        let test = try await TestDatabase.make()
        let ids = try await test.addServers(2)
        let serverID = try #require(ids["srv-000"])
        try await Self.seed(test, serverID: serverID, count: 30)
        try await Self.seed(test, serverID: try #require(ids["srv-001"]), count: 5)

        let window = try await test.database.anomalies.trainingSamples(
            serverID: serverID, from: Self.now.addingTimeInterval(-20 * 900), to: Self.now.addingTimeInterval(1), limit: 1000)
        #expect(window.count == 21)
        #expect(window.map(\.collectedAt) == window.map(\.collectedAt).sorted())
        #expect(window.last?.collectedAt == Self.now)
        let bounded = try await test.database.anomalies.trainingSamples(
            serverID: serverID, from: Self.now.addingTimeInterval(-86_400), to: Self.now.addingTimeInterval(1), limit: 10)
        #expect(bounded.count == 10)
        #expect(bounded.first?.collectedAt == Self.now.addingTimeInterval(-9 * 900))
        // Figures as stored, and the headline filesystem (disk %), but not the other filesystems.
        let last = try #require(bounded.last)
        #expect(last.cpuPercent == 10 + Double(29 % 7))
        #expect(last.diskPercent == Double(40 + 29 % 3))
        #expect(last.ramPercent == 75)
        #expect(last.filesystems.map(\.mountPoint) == ["/"])
        #expect(try await test.database.anomalies.sampleCount(serverID: serverID, from: Self.now.addingTimeInterval(-20 * 900), to: Self.now) == 20)

        let previous = try #require(try await test.database.anomalies.sample(serverID: serverID, before: Self.now))
        #expect(previous.sample.collectedAt == Self.now.addingTimeInterval(-900))
        #expect(try await test.database.anomalies.sample(serverID: serverID, before: Self.now.addingTimeInterval(-29 * 900)) == nil)

        // Paging through a range: each page starts after the last one's last sample.
        var after: Date?
        var seen: [Date] = []
        while true {
            let page = try await test.database.anomalies.samples(
                serverID: serverID, from: Self.now.addingTimeInterval(-12 * 900), to: Self.now, after: after, limit: 5)
            seen += page.map(\.sample.collectedAt)
            guard let last = page.last, page.count == 5 else { break }
            after = last.sample.collectedAt
        }
        #expect(seen == (0..<12).map { Self.now.addingTimeInterval(-Double(12 - $0) * 900) })
    }

    @Test func scoresAreStoredOncePerSampleWithTheirReasonAsJSON() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let sampleIDs = try await Self.seed(test, serverID: serverID, count: 3)
        let reason = [AnomalyReason(figure: "cpu_percent", value: 97.5, typical: 12), AnomalyReason(figure: "process_count", value: .nan, typical: 230)]
        try await test.database.anomalies.storeScore(
            AnomalyAssessment(score: 0.91, reason: reason), sampleID: sampleIDs[2], serverID: serverID, collectedAt: Self.now)
        // Rescoring replaces; a score that is not a number is stored as 0; a sample gone is skipped.
        try await test.database.anomalies.storeScores(
            [
                .init(sampleID: sampleIDs[2], collectedAt: Self.now, assessment: AnomalyAssessment(score: 0.93, reason: reason)),
                .init(sampleID: sampleIDs[1], collectedAt: Self.now.addingTimeInterval(-900), assessment: AnomalyAssessment(score: .nan, reason: [])),
                .init(sampleID: 999_999, collectedAt: Self.now, assessment: AnomalyAssessment(score: 0.5, reason: [])),
            ], serverID: serverID)
        let rows = try await test.database.pool.query(
            "SELECT sample_id, server_id, collected_at, score, reason::text AS reason FROM anomaly_scores ORDER BY collected_at")
        #expect(rows.count == 2)
        let latest = try #require(rows.rows.last)
        #expect(try latest.require("sample_id", as: Int64.self) == sampleIDs[2])
        #expect(try latest.require("server_id", as: Int64.self) == serverID)
        #expect(try latest.require("collected_at", as: Date.self) == Self.now)
        #expect(try latest.require("score", as: Double.self) == 0.93)
        #expect(try latest.require("reason", as: String.self) == #"[{"value": 97.5, "figure": "cpu_percent", "typical": 12}]"#)
        #expect(try rows.rows.first?.require("score", as: Double.self) == 0)
        #expect(try rows.rows.first?.require("reason", as: String.self) == "[]")
    }

    @Test func retentionTakesTheScoresWithTheirSamplesAndModelsStay() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let old = try await Self.seed(test, serverID: serverID, count: 50, end: Self.now.addingTimeInterval(-100 * 86_400))
        let recent = try await Self.seed(test, serverID: serverID, count: 10)
        let scores = (old + recent).map { AnomalyRepository.Score(sampleID: $0, collectedAt: Self.now, assessment: AnomalyAssessment(score: 0.4, reason: [])) }
        try await test.database.anomalies.storeScores(scores, serverID: serverID)
        let samples = try await test.database.anomalies.trainingSamples(
            serverID: serverID, from: Self.now.addingTimeInterval(-200 * 86_400), to: Self.now.addingTimeInterval(1), limit: 100)
        try await test.database.anomalies.storeModel(try #require(AnomalyModel.train(samples: samples, seed: 1, now: Self.now)), serverID: serverID)

        let report = try await test.database.retention.deleteOldData(
            olderThan: Self.now.addingTimeInterval(-90 * 86_400), topUsersOlderThan: Self.now.addingTimeInterval(-7 * 86_400))
        #expect(report.samples == 50)
        let left = try await test.database.pool.query("SELECT array_agg(sample_id ORDER BY sample_id) AS ids FROM anomaly_scores")
        #expect(try left.first?.require("ids", as: String.self) == "{\(recent.map(String.init).joined(separator: ","))}")
        #expect(try await test.database.anomalies.model(serverID: serverID) != nil)
    }
}

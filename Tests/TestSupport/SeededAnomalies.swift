import DashboardCore
import DashboardStorage
import Foundation

/// Anomaly scores over the samples ``SeededFleet`` stored, written through the storage
/// library as the collector writes them (docs/anomalies.md). Kept apart from the fleet, so
/// only the tests that call it see anomalies.
public enum SeededAnomalies {
    /// One score for one sample: the sample's position among the server's samples (oldest
    /// first), its score and its reason.
    public struct Score: Sendable {
        /// Which sample of the server, oldest first.
        public var sample: Int
        /// The score in [0, 1].
        public var score: Double
        /// The figures that set it apart.
        public var reason: [AnomalyReason]

        /// Creates a score.
        public init(sample: Int, score: Double, reason: [AnomalyReason] = []) {
            self.sample = sample
            self.score = score
            self.reason = reason
        }
    }

    /// The scores of ``SeededFleet/healthy``'s five samples: two below the default threshold
    /// (0.65), one anomaly with a full reason, one with a single figure and one with none.
    public static let healthyScores: [Score] = [
        Score(sample: 0, score: 0.41, reason: [AnomalyReason(figure: "cpu_percent", value: 10, typical: 12)]),
        Score(
            sample: 1, score: 0.82,
            reason: [
                AnomalyReason(figure: "cpu_percent", value: 97, typical: 31), AnomalyReason(figure: "tcp_connections", value: 420, typical: 42),
                AnomalyReason(figure: "net_rx_bytes_per_second", value: 1_250_000.5, typical: 1000),
            ]),
        Score(sample: 2, score: 0.5),
        Score(sample: 3, score: 0.66),
        Score(sample: 4, score: 0.71, reason: [AnomalyReason(figure: "ram_percent", value: 93.4, typical: 40)]),
    ]

    /// The anomalies (scores at or above 0.65) of ``healthyScores``, oldest first.
    public static var healthyAnomalies: [Score] { healthyScores.filter { $0.score >= 0.65 } }

    /// Stores ``healthyScores`` on ``SeededFleet/healthy`` (after ``SeededFleet/seed(_:now:)``).
    public static func seed(_ database: Database) async throws {
        try await seed(database, server: SeededFleet.healthy, scores: healthyScores)
    }

    /// Stores `scores` on the samples of `server`; returns the samples' collection times, oldest first.
    @discardableResult
    public static func seed(_ database: Database, server: String, scores: [Score]) async throws -> [Date] {
        let rows = try await database.pool.query(
            """
            SELECT m.id, m.collected_at, m.server_id FROM server_metrics m JOIN servers s ON s.id = m.server_id
            WHERE s.name = \(server) ORDER BY m.collected_at
            """)
        var samples: [(id: Int64, time: Date)] = []
        var serverID: Int64 = 0
        for row in rows.rows {
            samples.append((try row.require("id"), try row.require("collected_at")))
            serverID = try row.require("server_id")
        }
        let stored = try scores.map { score in
            guard samples.indices.contains(score.sample) else {
                throw TestEnvironmentError("\(server) has \(samples.count) samples, no sample \(score.sample) to score")
            }
            let sample = samples[score.sample]
            return AnomalyRepository.Score(
                sampleID: sample.id, collectedAt: sample.time, assessment: AnomalyAssessment(score: score.score, reason: score.reason))
        }
        try await database.anomalies.storeScores(stored, serverID: serverID)
        return samples.map(\.time)
    }
}

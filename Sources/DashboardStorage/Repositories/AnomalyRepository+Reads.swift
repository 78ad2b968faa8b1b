import DashboardCore
import FoundationEssentials

/// What the api reads of `anomaly_scores` (docs/anomalies.md): the anomalies of a window,
/// how many each server had, and each server's latest score.
extension AnomalyRepository {
    /// One scored sample at or above the threshold: when it was collected, its score and the
    /// figures that set it apart most.
    public struct FlaggedSample: Sendable, Equatable {
        /// When the sample was collected.
        public var collectedAt: Date
        /// The anomaly score in [0, 1].
        public var score: Double
        /// At most three figures, furthest from typical first; empty when none stood out.
        public var reason: [AnomalyReason]

        /// Creates a flagged sample.
        public init(collectedAt: Date, score: Double, reason: [AnomalyReason]) {
            self.collectedAt = collectedAt
            self.score = score
            self.reason = reason
        }
    }

    /// The most anomalies one read returns.
    public static let maximumAnomalies = 10_000

    /// The anomalies of one server collected in `[from, to)` scoring at least `threshold`,
    /// oldest first; when there are more than `limit`, the newest `limit` of them.
    public func anomalies(
        serverID: Int64, from: Date, to: Date, threshold: Double, limit: Int = AnomalyRepository.maximumAnomalies
    ) async throws(StorageError) -> [FlaggedSample] {
        let bounded = min(max(1, limit), Self.maximumAnomalies)
        let result = try await pool.query(
            """
            SELECT collected_at, score, reason::text AS reason FROM (
                SELECT sample_id, collected_at, score, reason FROM anomaly_scores
                WHERE server_id = \(serverID) AND collected_at >= \(from) AND collected_at < \(to) AND score >= \(threshold)
                ORDER BY collected_at DESC, sample_id DESC LIMIT \(bounded)
            ) AS newest
            ORDER BY collected_at, sample_id
            """)
        var flagged: [FlaggedSample] = []
        flagged.reserveCapacity(result.count)
        for row in result.rows {
            flagged.append(
                FlaggedSample(
                    collectedAt: try row.require("collected_at"), score: try row.require("score"),
                    reason: Self.decodeReason(try row.decode("reason", as: String.self))))
        }
        return flagged
    }

    /// How many anomalies (scores at or above `threshold`) each server had in `[from, to)`,
    /// by server id; servers without any are left out.
    public func anomalyCounts(from: Date, to: Date, threshold: Double) async throws(StorageError) -> [Int64: Int] {
        let result = try await pool.query(
            """
            SELECT server_id, count(*) AS anomalies FROM anomaly_scores
            WHERE collected_at >= \(from) AND collected_at < \(to) AND score >= \(threshold)
            GROUP BY server_id
            """)
        var counts: [Int64: Int] = [:]
        for row in result.rows {
            counts[try row.require("server_id")] = try row.require("anomalies")
        }
        return counts
    }

    /// The latest score of every enabled server that has one, by server name in name order
    /// (the `/metrics` gauge `server_dashboard_anomaly_score`).
    public func latestScores() async throws(StorageError) -> [(serverName: String, score: Double)] {
        let result = try await pool.query(
            """
            SELECT s.name, latest.score FROM servers s
            CROSS JOIN LATERAL (
                SELECT a.score FROM anomaly_scores a WHERE a.server_id = s.id ORDER BY a.collected_at DESC LIMIT 1
            ) AS latest
            WHERE s.enabled
            ORDER BY s.name
            """)
        var scores: [(serverName: String, score: Double)] = []
        scores.reserveCapacity(result.count)
        for row in result.rows {
            scores.append((try row.require("name"), try row.require("score")))
        }
        return scores
    }

    /// A stored `reason` (a JSON array of `{figure, value, typical}`): entries without a
    /// figure or a finite value and typical value are dropped; unreadable JSON reads as none.
    static func decodeReason(_ text: String?) -> [AnomalyReason] {
        guard let text, let entries = try? reasonDecoder.decode([StoredReason].self, from: Data(text.utf8)) else { return [] }
        return entries.compactMap { entry in
            guard let figure = entry.figure, !figure.isEmpty, let value = entry.value, let typical = entry.typical, value.isFinite, typical.isFinite
            else { return nil }
            return AnomalyReason(figure: figure, value: value, typical: typical)
        }
    }

    /// One stored reason, every member optional so one bad entry does not hide the others.
    private struct StoredReason: Decodable {
        var figure: String?
        var value: Double?
        var typical: Double?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            figure = try? container.decodeIfPresent(String.self, forKey: .figure)
            value = try? container.decodeIfPresent(Double.self, forKey: .value)
            typical = try? container.decodeIfPresent(Double.self, forKey: .typical)
        }

        enum CodingKeys: String, CodingKey {
            case figure, value, typical
        }
    }

    private static let reasonDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }()
}

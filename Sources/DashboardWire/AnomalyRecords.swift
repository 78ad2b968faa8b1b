import DashboardCore
import FoundationEssentials

/// One element of `GET /api/servers/{server_name}/anomalies`: a sample whose anomaly score
/// reached `ANOMALY_SCORE_THRESHOLD`, with the figures that set it apart (docs/anomalies.md).
public struct AnomalyRecord: Codable, Sendable, Equatable {
    /// When the sample was collected.
    public var collectedAt: Date
    /// The isolation forest's score in [0, 1]; higher is more unusual.
    public var score: Double
    /// At most three figures, furthest from the server's typical value first; empty when
    /// no single figure stood out.
    public var reason: [AnomalyReason]

    /// Creates a record.
    public init(collectedAt: Date, score: Double, reason: [AnomalyReason]) {
        self.collectedAt = collectedAt
        self.score = score
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case collectedAt = "collected_at", score, reason
    }
}

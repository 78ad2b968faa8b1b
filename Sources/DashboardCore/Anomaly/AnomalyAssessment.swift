/// How unusual one sample is for its server (docs/anomalies.md).
public struct AnomalyAssessment: Codable, Sendable, Equatable {
    /// The isolation forest's score in [0, 1]; around 0.5 and below is ordinary, near 1 is
    /// isolated quickly (unusual).
    public var score: Double
    /// At most three figures furthest from typical, furthest first; empty when no single
    /// figure stands out.
    public var reason: [AnomalyReason]

    /// Creates an assessment.
    public init(score: Double, reason: [AnomalyReason]) {
        self.score = score
        self.reason = reason
    }
}

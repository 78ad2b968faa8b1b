import DashboardCore
import Foundation

/// How samples are scored for anomalies and whether a high score opens an alert
/// (docs/anomalies.md), read once at start.
struct AnomalySettings: Sendable, Equatable {
    /// `ANOMALY_WINDOW_DAYS` [14]: a server's model is trained on its samples of this many last days.
    var windowDays: Int
    /// `ANOMALY_MIN_SAMPLES` [200]: a server with fewer samples in the window gets no model and no score.
    var minimumSamples: Int
    /// `ANOMALY_SCORE_THRESHOLD` [0.65]: a score at or above it is an anomaly.
    var scoreThreshold: Double
    /// `ANOMALY_ALERTS` [false]: whether an anomaly opens an `anomaly` alert (warning).
    var alerts: Bool

    /// How long a stored model is used before it is trained again (once a day).
    static let modelLifetime: TimeInterval = 86_400

    /// Settings as given.
    init(windowDays: Int, minimumSamples: Int, scoreThreshold: Double, alerts: Bool) {
        self.windowDays = windowDays
        self.minimumSamples = minimumSamples
        self.scoreThreshold = scoreThreshold
        self.alerts = alerts
    }

    /// Reads the settings; the first bad value is reported by its key.
    init(environment: [String: String]) throws(ConfigurationError) {
        let values = EnvironmentValues(environment)
        windowDays = try values.integer("ANOMALY_WINDOW_DAYS", default: 14, in: 1...365)
        minimumSamples = try values.integer("ANOMALY_MIN_SAMPLES", default: 200, in: 2...1_000_000)
        alerts = try values.choice("ANOMALY_ALERTS", default: "false", among: ["true", "false"]) == "true"
        scoreThreshold = 0.65
        if let raw = values.string("ANOMALY_SCORE_THRESHOLD") {
            // Strictly inside (0, 1): 0 would flag every sample, 1 none (scores never reach it).
            guard let value = Double(raw), value.isFinite, value > 0, value < 1 else {
                throw ConfigurationError(
                    key: "ANOMALY_SCORE_THRESHOLD", message: "expected a score between 0 and 1 (exclusive), e.g. 0.65, got \"\(raw.prefix(40))\"")
            }
            scoreThreshold = value
        }
    }

    /// The training window ending at `now`.
    func window(endingAt now: Date) -> (from: Date, to: Date) {
        (now.addingTimeInterval(-Double(windowDays) * 86_400), now)
    }
}

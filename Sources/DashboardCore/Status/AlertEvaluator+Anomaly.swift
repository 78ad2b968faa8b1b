import FoundationEssentials

extension AlertEvaluator {
    /// The `anomaly` alert after a scored sample (docs/anomalies.md): a score at or above
    /// `threshold` opens (or updates) a warning naming the score and the figures that set the
    /// sample apart, a lower score resolves it. Debounce, silences and notifications apply as
    /// to every other alert.
    public static func anomalyDecision(for assessment: AnomalyAssessment, serverName: String, threshold: Double) -> AlertDecision {
        guard assessment.score.isFinite, assessment.score >= threshold else { return .resolve(.anomaly) }
        return .open(.anomaly, .warning, message: anomalyMessage(assessment, serverName: serverName, threshold: threshold), value: assessment.score)
    }

    /// `web-01: unusual sample (anomaly score 0.91, threshold 0.65): CPU 97% (typical 31%), TCP connections 412 (typical 38)`.
    public static func anomalyMessage(_ assessment: AnomalyAssessment, serverName: String, threshold: Double) -> String {
        var message = "\(serverName): unusual sample (anomaly score \(twoDecimals(assessment.score)), threshold \(twoDecimals(threshold)))"
        let figures = assessment.reason.compactMap { reason -> String? in
            guard reason.value.isFinite, reason.typical.isFinite else { return nil }
            let descriptor = MetricCatalogue.descriptor(MetricID(reason.figure))
            var label = descriptor?.label ?? reason.figure
            if case .rate = descriptor?.source { label = "network " + label.lowercased() }
            let unit = descriptor?.unit
            return "\(label) \(anomalyFigure(reason.value, unit: unit)) (typical \(anomalyFigure(reason.typical, unit: unit)))"
        }
        if !figures.isEmpty { message += ": " + figures.joined(separator: ", ") }
        return message
    }

    /// A figure as the alert message writes it: `97%`, `412`, `1.25`, `3.4 MB/s`.
    static func anomalyFigure(_ value: Double, unit: MetricUnit?) -> String {
        switch unit {
        case .percent: return oneDecimal(value) + "%"
        case .count: return oneDecimal(value.rounded())
        case .bytes: return scaled(value, suffix: "B")
        case .bytesPerSecond: return scaled(value, suffix: "B/s")
        case .seconds: return oneDecimal(value) + " s"
        case .celsius: return oneDecimal(value) + " °C"
        case .load, nil: return twoDecimals(value)
        }
    }

    private static func scaled(_ value: Double, suffix: String) -> String {
        let prefixes = ["", "k", "M", "G", "T", "P"]
        var scaled = value
        var index = 0
        while abs(scaled) >= 1000, index < prefixes.count - 1 {
            scaled /= 1000
            index += 1
        }
        return oneDecimal(scaled) + " " + prefixes[index] + suffix
    }

    /// At most one decimal (`97`, `97.5`); a value too large for that is written as Swift writes doubles.
    private static func oneDecimal(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        guard abs(rounded) < 1e15 else { return String(describing: value) }
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// Exactly two decimals (`0.65`); a value too large for that is written as Swift writes doubles.
    private static func twoDecimals(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e13 else { return String(describing: value) }
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

import FoundationEssentials

/// The figures the anomaly detector learns from, in a fixed order (docs/anomalies.md).
///
/// They are the catalogue's descriptors flagged `anomaly: true`, in catalogue order: figures
/// on the sample are read as they are; a rate (network bytes per second) is worked out from the
/// previous sample's counter.
public enum AnomalyFeatures {
    /// The longest gap between two samples that still gives a rate, in seconds.
    public static let maximumRateGap: Double = 3600

    /// The feature descriptors, in vector order.
    public static let descriptors: [MetricDescriptor] = MetricCatalogue.all.filter(\.isAnomalyFeature)

    /// The features' catalogue keys, in vector order.
    public static let keys: [String] = descriptors.map(\.id.key)

    /// The features of `sample`, in `keys` order; NaN where a figure is missing.
    public static func vector(_ sample: MetricSample, previous: MetricSample?) -> [Double] {
        descriptors.map { descriptor in
            switch descriptor.source {
            case .rate(let counter, _): rate(of: counter, from: previous, to: sample)
            case .probed, .derived: descriptor.value(in: sample).flatMap { $0.isFinite ? $0 : nil } ?? .nan
            }
        }
    }

    /// The per-second growth of `counter` between two samples; NaN without a previous sample,
    /// when the counter or the uptime went down (reset, reboot), or over a gap longer than
    /// `maximumRateGap`.
    static func rate(of counter: MetricID, from previous: MetricSample?, to sample: MetricSample) -> Double {
        guard let previous, let before = previous[counter], let after = sample[counter] else { return .nan }
        let seconds = sample.collectedAt.timeIntervalSince(previous.collectedAt)
        guard seconds > 0, seconds <= maximumRateGap, after >= before else { return .nan }
        if let uptimeBefore = previous.uptimeSeconds, let uptimeAfter = sample.uptimeSeconds, uptimeAfter < uptimeBefore { return .nan }
        let rate = (after - before) / seconds
        return rate.isFinite ? rate : .nan
    }
}

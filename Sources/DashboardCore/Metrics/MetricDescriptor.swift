/// Everything the code base knows about one figure, in one place (docs/adding-a-metric.md).
///
/// Storage, history and its hourly rollup, the CSV and XLSX exports, `/metrics`, the JSON
/// records and the renderer's tables and charts all read the catalogue rather than naming
/// figures themselves.
public struct MetricDescriptor: Sendable {
    /// How a figure comes to be on a sample.
    public enum Source: Sendable {
        /// Read from the probe and stored in the `server_metrics` column named by the key.
        case probed
        /// Worked out from other figures of the same sample; `stored` when it also has a
        /// `server_metrics` column (so history can aggregate it), otherwise only served.
        case derived(stored: Bool, value: @Sendable (MetricSample) -> Double?)
        /// Not on a sample at all: only history has it, as the per-second rate of a probed
        /// counter between consecutive samples (`column` in `server_metrics_rated`).
        case rate(of: MetricID, column: String)
    }

    /// Where the figure lives in history buckets and the hourly rollup.
    public struct History: Sendable {
        /// The column prefix in `server_metrics_hourly` (`<prefix>_sum`, `_count`, `_max`).
        public let rollupPrefix: String
        /// The column of `server_metrics_rated` whose average and maximum a bucket holds.
        public let ratedColumn: String
    }

    /// A Prometheus family for the figure's latest value per server.
    public struct Prometheus: Sendable {
        /// The family name, `server_dashboard_…`; a counter's ends in `_total`.
        public let name: String
        /// Whether the value only grows (until a reboot).
        public let isCounter: Bool
    }

    /// One line of a history chart.
    public struct ChartLine: Sendable {
        /// The chart the line belongs to.
        public let chart: MetricChart
        /// The legend text.
        public let series: String
        /// The CSS classes of the line (`s1`…`s4` colours).
        public let style: String
        /// Whether the bucket maxima are drawn too, as a dashed line.
        public let showsPeak: Bool
    }

    /// The figure's identifier and key.
    public let id: MetricID
    /// A short human label, e.g. "CPU user time".
    public let label: String
    /// One sentence for Prometheus HELP and the docs.
    public let help: String
    /// What it counts.
    public let unit: MetricUnit
    /// Where its value comes from.
    public let source: Source
    /// Its place in history, or `nil` when history does not keep it.
    public let history: History?
    /// Its `/metrics` family, or `nil` when it is not exported there.
    public let prometheus: Prometheus?
    /// Its line on the history page, or `nil` when it is not charted.
    public let chart: ChartLine?
    /// Whether the server page lists it among the latest figures.
    public let isListed: Bool
    /// The levels that colour it and open alerts on it, or `nil` when it has none.
    public let threshold: ThresholdedFigure?
    /// Whether the anomaly detector learns from it (docs/anomalies.md); a rate is worked out
    /// from the previous sample's counter.
    public let isAnomalyFeature: Bool

    /// Describes a figure. History keeps every stored figure and every rate, in rollup
    /// columns named after the key unless `rollupPrefix` names older ones; `inHistory: false`
    /// keeps a figure out. `anomaly: true` makes it a feature of the anomaly detector.
    public init(
        _ id: MetricID, label: String, help: String, unit: MetricUnit, source: Source = .probed,
        inHistory: Bool = true, rollupPrefix: String? = nil, threshold: ThresholdedFigure? = nil, prometheus: Prometheus? = nil,
        chart: ChartLine? = nil, isListed: Bool = true, anomaly: Bool = false
    ) {
        self.id = id
        self.label = label
        self.help = help
        self.unit = unit
        self.source = source
        self.prometheus = prometheus
        self.chart = chart
        self.isListed = isListed
        self.threshold = threshold
        self.isAnomalyFeature = anomaly
        let ratedColumn: String?
        switch source {
        case .probed, .derived(stored: true, _): ratedColumn = id.key
        case .derived(stored: false, _): ratedColumn = nil
        case .rate(_, let column): ratedColumn = column
        }
        if inHistory, let ratedColumn {
            history = History(rollupPrefix: rollupPrefix ?? id.key, ratedColumn: ratedColumn)
        } else {
            history = nil
        }
    }

    /// Whether `server_metrics` has a column for the figure (named by its key).
    public var isStored: Bool {
        switch source {
        case .probed: true
        case .derived(let stored, _): stored
        case .rate: false
        }
    }

    /// Whether samples carry the figure (probed or derived).
    public var isOnSample: Bool {
        if case .rate = source { return false }
        return true
    }

    /// The figure's value on `sample`; `nil` when the host did not report it (or for a rate).
    public func value(in sample: MetricSample) -> Double? {
        switch source {
        case .probed: sample[id]
        case .derived(_, let value): value(sample)
        case .rate: nil
        }
    }
}

extension MetricDescriptor.Prometheus {
    /// A gauge named `server_dashboard_<suffix>`.
    public static func gauge(_ suffix: String) -> MetricDescriptor.Prometheus {
        MetricDescriptor.Prometheus(name: "server_dashboard_" + suffix, isCounter: false)
    }

    /// A counter named `server_dashboard_<suffix>_total`.
    public static func counter(_ suffix: String) -> MetricDescriptor.Prometheus {
        MetricDescriptor.Prometheus(name: "server_dashboard_" + suffix + "_total", isCounter: true)
    }
}

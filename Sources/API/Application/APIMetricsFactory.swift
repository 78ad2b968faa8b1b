import Metrics
import Prometheus

/// The swift-metrics factory the api bootstraps with (``APIMetrics/factory``): it turns
/// swift-metrics labels into names `promtool check metrics` accepts, in one registry.
///
/// - Hummingbird's dotted labels (`http.server.request.duration`) become underscored
///   names (`http_server_request_duration`), dimensions likewise.
/// - A counter's name ends in `_total` (`hb.requests` → `hb_requests_total`), as the
///   exposition format asks of counters.
/// - Every family gets a `# HELP` line: the text ``APIMetrics/help`` gives for its name,
///   or one naming the swift-metrics label for a metric a library adds.
///
/// The values are swift-prometheus's own (counters, gauges, duration histograms in
/// seconds); only names and help text differ from its `PrometheusMetricsFactory`.
struct APIMetricsFactory: MetricsFactory {
    /// Where every metric this factory makes is kept (rendered by `GET /metrics`).
    let registry: PrometheusCollectorRegistry

    /// Histogram buckets of timers (swift-metrics `Timer`).
    var durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Histogram buckets of aggregating recorders (swift-metrics `Recorder`).
    var valueBuckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    /// The Prometheus name of a counter labelled `label`: sanitised, ending in `_total`.
    static func counterName(_ label: String) -> String {
        descriptor(label, counter: true).name
    }

    /// The name and help text of the family a swift-metrics `label` is kept under.
    static func descriptor(_ label: String, counter: Bool) -> MetricNameDescriptor {
        let base = APIMetrics.sanitize(label)
        let unit = counter && !base.hasSuffix("_total") ? "total" : ""
        let name = unit.isEmpty ? base : base + "_" + unit
        return MetricNameDescriptor(metricName: base, unitName: unit, helpText: APIMetrics.help[name] ?? "The api's swift-metrics metric \(label).")
    }

    private static func dimensions(_ dimensions: [(String, String)]) -> [(String, String)] {
        dimensions.map { (APIMetrics.sanitize($0.0), $0.1) }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label, counter: true), labels: Self.dimensions(dimensions))
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label, counter: true), labels: Self.dimensions(dimensions))
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let descriptor = Self.descriptor(label, counter: false)
        guard aggregate else {
            return registry.makeGauge(descriptor: descriptor, labels: Self.dimensions(dimensions))
        }
        return registry.makeValueHistogram(descriptor: descriptor, labels: Self.dimensions(dimensions), buckets: valueBuckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: Self.descriptor(label, counter: false), labels: Self.dimensions(dimensions))
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: Self.descriptor(label, counter: false), labels: Self.dimensions(dimensions), buckets: durationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge {
            registry.unregisterGauge(gauge)
        } else if let histogram = handler as? ValueHistogram {
            registry.unregisterValueHistogram(histogram)
        }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}

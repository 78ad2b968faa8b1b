/// Every figure the dashboard knows, in the order records, exports, `/metrics` and pages list
/// them (docs/adding-a-metric.md). The entries live in `Catalogue/`, one file per area; a
/// group added later goes at the end, so the columns of exports keep their places.
public enum MetricCatalogue {
    /// Every figure.
    public static let all: [MetricDescriptor] = cpu + memory + disk + system + network + cpuTime + diskIO + health

    /// The figures samples carry (probed or derived), for sample records and tables.
    public static let onSample: [MetricDescriptor] = all.filter(\.isOnSample)

    /// The figures with a `server_metrics` column, for storing and reading samples.
    public static let stored: [MetricDescriptor] = all.filter(\.isStored)

    /// The figures history keeps, in the order of a bucket's aggregates.
    public static let history: [MetricDescriptor] = all.filter { $0.history != nil }

    /// The figures exported to Prometheus.
    public static let prometheus: [MetricDescriptor] = all.filter { $0.prometheus != nil }

    /// The history page's charts in order, each with its lines.
    public static let charts: [(chart: MetricChart, lines: [MetricDescriptor])] = {
        var charts: [(chart: MetricChart, lines: [MetricDescriptor])] = []
        for descriptor in history {
            guard let line = descriptor.chart else { continue }
            if let index = charts.firstIndex(where: { $0.chart == line.chart }) {
                charts[index].lines.append(descriptor)
            } else {
                charts.append((line.chart, [descriptor]))
            }
        }
        return charts
    }()

    /// A figure's position among `history` (its index in a bucket's aggregates).
    public static let historyPosition: [MetricID: Int] = Dictionary(
        uniqueKeysWithValues: history.enumerated().map { ($0.element.id, $0.offset) })

    /// The descriptor of `id`.
    public static func descriptor(_ id: MetricID) -> MetricDescriptor? {
        byID[id]
    }

    private static let byID: [MetricID: MetricDescriptor] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}

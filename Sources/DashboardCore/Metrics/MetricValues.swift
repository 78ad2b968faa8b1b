/// The figures of one sample, by catalogue identifier; a figure the host did not report is absent.
public struct MetricValues: Sendable, Equatable {
    private var values: [MetricID: Double]

    /// No figures.
    public init() {
        values = [:]
    }

    /// The figure named `id`, or `nil`.
    public subscript(_ id: MetricID) -> Double? {
        get { values[id] }
        set { values[id] = newValue }
    }

    /// Every figure set, ordered by key.
    public var entries: [(id: MetricID, value: Double)] {
        values.map { (id: $0.key, value: $0.value) }.sorted { $0.id.key < $1.id.key }
    }

    /// Whether no figure is set.
    public var isEmpty: Bool { values.isEmpty }
}

/// The name of one figure in the metric catalogue (docs/adding-a-metric.md).
///
/// The key is the figure's one spelling outside Swift: its JSON key in sample and history
/// records, its column in `server_metrics`, and its CSV column. Each figure declares its
/// identifier once, next to its descriptor in `Catalogue/`.
public struct MetricID: Hashable, Sendable, CustomStringConvertible {
    /// The snake_case key, e.g. `cpu_percent`.
    public let key: String

    /// Names a figure; the key must be one the catalogue describes.
    public init(_ key: String) {
        self.key = key
    }

    /// The key.
    public var description: String { key }
}

/// A chart of the history page; the lines on it are the catalogue's figures that name it.
public struct MetricChart: Sendable, Equatable {
    /// The chart's value axis.
    public enum Scale: Sendable, Equatable {
        /// 0…100 %.
        case percent
        /// Bytes per second, axis from 0 to the largest value.
        case bytesPerSecond
        /// Degrees Celsius, 0…100 °C or up to the largest value.
        case celsius
    }

    /// The element id, `chart-…`.
    public let id: String
    /// The heading.
    public let title: String
    /// The value axis.
    public let scale: Scale

    /// Describes a chart.
    public init(id: String, title: String, scale: Scale) {
        self.id = id
        self.title = title
        self.scale = scale
    }
}

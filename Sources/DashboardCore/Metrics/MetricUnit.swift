/// What a figure counts, which decides how pages format it and how its values are bound.
public enum MetricUnit: String, Sendable, CaseIterable {
    /// A percentage, 0…100.
    case percent
    /// A load average.
    case load
    /// A whole number of things (cores, sessions, connections, processes).
    case count
    /// Bytes.
    case bytes
    /// Bytes per second.
    case bytesPerSecond
    /// Seconds.
    case seconds
    /// Degrees Celsius.
    case celsius

    /// Whether the figure's values are whole numbers (stored as integers, written without a fraction).
    public var isIntegral: Bool {
        switch self {
        case .count, .bytes: true
        case .percent, .load, .bytesPerSecond, .seconds, .celsius: false
        }
    }
}

/// A metric or sample the Prometheus text format cannot express; `kind` can be switched on.
public struct PrometheusExpositionError: Error, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// A metric name outside `[a-zA-Z_:][a-zA-Z0-9_:]*`.
        case invalidMetricName
        /// A label name outside `[a-zA-Z_][a-zA-Z0-9_]*`, or starting with the reserved `__`.
        case invalidLabelName
        /// The same label name twice in one sample.
        case duplicateLabel
        /// A second sample with the same name and labels.
        case duplicateSeries
        /// A family declared again with another type.
        case conflictingType
    }

    /// What went wrong.
    public var kind: Kind
    /// A message naming the offending name.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Just `message`, which names the offending name.
    public var description: String { message }
}

/// A JSON key known only at run time — a catalogue figure's key (docs/adding-a-metric.md) —
/// for the `Codable` forms of records with a member per figure.
public struct FigureKey: CodingKey, Sendable {
    /// The key.
    public var stringValue: String
    /// Keys are never integers.
    public var intValue: Int? { nil }

    /// The key `stringValue`.
    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    /// Keys are never integers.
    public init?(intValue: Int) { nil }

    /// The key of a figure.
    public init(_ id: MetricID) {
        stringValue = id.key
    }
}

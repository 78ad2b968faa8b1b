/// One figure that sets a sample apart from its server's typical values (docs/anomalies.md).
public struct AnomalyReason: Codable, Sendable, Equatable {
    /// The figure's catalogue key, e.g. `cpu_percent` or `net_rx_bytes_per_second`.
    public var figure: String
    /// The figure's value on the sample.
    public var value: Double
    /// The figure's typical value on the server: its median over the training window.
    public var typical: Double

    /// Names a figure, its value and its typical value.
    public init(figure: String, value: Double, typical: Double) {
        self.figure = figure
        self.value = value
        self.typical = typical
    }
}

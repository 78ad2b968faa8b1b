extension MetricID {
    /// Bytes received since boot, summed over interfaces except loopback.
    public static let networkReceiveBytes = MetricID("net_rx_bytes")
    /// Bytes sent since boot, summed like `networkReceiveBytes`.
    public static let networkTransmitBytes = MetricID("net_tx_bytes")
    /// Bytes received per second between consecutive samples (history only).
    public static let networkReceiveRate = MetricID("net_rx_bytes_per_second")
    /// Bytes sent per second between consecutive samples (history only).
    public static let networkTransmitRate = MetricID("net_tx_bytes_per_second")
}

extension MetricCatalogue {
    /// The network throughput chart.
    static let networkChart = MetricChart(id: "chart-net", title: "Network", scale: .bytesPerSecond)

    /// Network counters and the rates history works out from them. A counter that went
    /// down (reset, wrap) or an uptime that went down (reboot) gives no rate.
    static let network: [MetricDescriptor] = [
        MetricDescriptor(
            .networkReceiveBytes, label: "Received since boot", help: "Bytes received on all interfaces except loopback, as counted by the kernel.",
            unit: .bytes, inHistory: false, prometheus: .counter("network_receive_bytes")),
        MetricDescriptor(
            .networkTransmitBytes, label: "Sent since boot", help: "Bytes sent on all interfaces except loopback, as counted by the kernel.",
            unit: .bytes, inHistory: false, prometheus: .counter("network_transmit_bytes")),
        MetricDescriptor(
            .networkReceiveRate, label: "Received", help: "Bytes received per second between consecutive samples.", unit: .bytesPerSecond,
            source: .rate(of: .networkReceiveBytes, column: "rx_rate"), rollupPrefix: "rx",
            chart: .init(chart: networkChart, series: "received", style: "s1", showsPeak: false), anomaly: true),
        MetricDescriptor(
            .networkTransmitRate, label: "Sent", help: "Bytes sent per second between consecutive samples.", unit: .bytesPerSecond,
            source: .rate(of: .networkTransmitBytes, column: "tx_rate"), rollupPrefix: "tx",
            chart: .init(chart: networkChart, series: "sent", style: "s4", showsPeak: false), anomaly: true),
    ]
}

extension MetricID {
    /// The headline filesystem's use in percent (`/`, else the fullest).
    public static let diskPercent = MetricID("disk_percent")
    /// Bytes read per second from whole block devices during the probe.
    public static let diskReadBytesPerSecond = MetricID("disk_read_bytes_per_second")
    /// Bytes written per second to whole block devices during the probe.
    public static let diskWriteBytesPerSecond = MetricID("disk_write_bytes_per_second")
}

extension MetricCatalogue {
    /// The disk use chart.
    static let diskChart = MetricChart(id: "chart-disk", title: "Disk % (headline filesystem)", scale: .percent)
    /// The disk throughput chart.
    static let diskIOChart = MetricChart(id: "chart-disk-io", title: "Disk I/O", scale: .bytesPerSecond)

    /// Disk space.
    static let disk: [MetricDescriptor] = [
        MetricDescriptor(
            .diskPercent, label: "Disk used", help: "Use of the headline filesystem (root, or the fullest) in percent.", unit: .percent,
            source: .derived(stored: true) { $0.headlineFilesystem?.usedPercent },
            rollupPrefix: "disk", threshold: .disk, prometheus: .gauge("disk_used_percent"),
            chart: .init(chart: diskChart, series: "average", style: "s3", showsPeak: false), anomaly: true)
    ]

    /// Throughput of whole block devices between the probe's two `/proc/diskstats` readings.
    static let diskIO: [MetricDescriptor] = [
        MetricDescriptor(
            .diskReadBytesPerSecond, label: "Disk read", help: "Bytes read per second from whole block devices while the probe ran.",
            unit: .bytesPerSecond, prometheus: .gauge("disk_read_bytes_per_second"),
            chart: .init(chart: diskIOChart, series: "read", style: "s1", showsPeak: false), anomaly: true),
        MetricDescriptor(
            .diskWriteBytesPerSecond, label: "Disk written", help: "Bytes written per second to whole block devices while the probe ran.",
            unit: .bytesPerSecond, prometheus: .gauge("disk_write_bytes_per_second"),
            chart: .init(chart: diskIOChart, series: "written", style: "s4", showsPeak: false), anomaly: true),
    ]
}

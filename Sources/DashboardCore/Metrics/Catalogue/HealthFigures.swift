extension MetricID {
    /// The hottest hwmon or thermal-zone reading, in degrees Celsius.
    public static let temperatureCelsius = MetricID("temperature_celsius")
    /// The highest inode use among the local filesystems, in percent.
    public static let inodesPercent = MetricID("inodes_percent")
}

extension MetricCatalogue {
    /// The temperature chart.
    static let temperatureChart = MetricChart(id: "chart-temperature", title: "Hottest temperature °C", scale: .celsius)

    /// Machine health beyond load: how hot it runs and how close a filesystem is to running out
    /// of inodes (docs/probe-format.md, sections `temperature` and `inodes`).
    static let health: [MetricDescriptor] = [
        MetricDescriptor(
            .temperatureCelsius, label: "Temperature", help: "The hottest hardware-monitor or thermal-zone reading, in degrees Celsius.",
            unit: .celsius, threshold: .temperature, prometheus: .gauge("temperature_celsius"),
            chart: .init(chart: temperatureChart, series: "hottest", style: "s2", showsPeak: true)),
        MetricDescriptor(
            .inodesPercent, label: "Inodes used", help: "The highest inode use among the local filesystems, in percent.", unit: .percent,
            source: .derived(stored: true) { sample in sample.filesystems.compactMap(\.inodesPercent).max() },
            threshold: .inodes, prometheus: .gauge("inodes_used_percent")),
    ]
}

extension MetricCatalogue {
    /// The filesystem whose inode use gives `inodes_percent` (the fullest by inodes), for messages
    /// that name it; `nil` when no filesystem reports inodes.
    public static func filesystemJudgedByInodes(in sample: MetricSample) -> FilesystemUsage? {
        sample.filesystems.compactMap { filesystem in filesystem.inodesPercent.map { (filesystem, $0) } }.max { $0.1 < $1.1 }?.0
    }
}

extension FilesystemUsage {
    /// Inodes in use in percent of all inodes; `nil` when unknown or the filesystem reports none
    /// (btrfs, vfat). Kept beside the catalogue figure it gives, so the name has one home.
    public var inodesPercent: Double? {
        guard let total = inodesTotal, let used = inodesUsed, total > 0, used >= 0 else { return nil }
        return min(Double(used) / Double(total) * 100, 100)
    }
}

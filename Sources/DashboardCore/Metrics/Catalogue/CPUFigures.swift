extension MetricID {
    /// CPU utilisation in percent between the probe's two `/proc/stat` readings.
    public static let cpuPercent = MetricID("cpu_percent")
    /// Online CPU cores.
    public static let cpuCores = MetricID("cpu_cores")
    /// 1-minute load average.
    public static let load1 = MetricID("load_1")
    /// 5-minute load average.
    public static let load5 = MetricID("load_5")
    /// 15-minute load average.
    public static let load15 = MetricID("load_15")
    /// Share of CPU time in user space (user + nice), in percent.
    public static let cpuUserPercent = MetricID("cpu_user_percent")
    /// Share of CPU time in the kernel (system + irq + softirq), in percent.
    public static let cpuSystemPercent = MetricID("cpu_system_percent")
    /// Share of CPU time idle while waiting for I/O, in percent.
    public static let cpuIowaitPercent = MetricID("cpu_iowait_percent")
    /// Share of CPU time taken by the hypervisor for other guests, in percent.
    public static let cpuStealPercent = MetricID("cpu_steal_percent")
}

extension MetricCatalogue {
    /// The CPU utilisation chart.
    static let cpuChart = MetricChart(id: "chart-cpu", title: "CPU %", scale: .percent)
    /// The CPU time split chart.
    static let cpuTimeChart = MetricChart(id: "chart-cpu-time", title: "CPU time by kind %", scale: .percent)

    /// Processor figures: utilisation and its split, cores, load averages.
    static let cpu: [MetricDescriptor] = [
        MetricDescriptor(
            .cpuPercent, label: "CPU", help: "CPU utilisation in percent.", unit: .percent, rollupPrefix: "cpu", threshold: .cpu,
            prometheus: .gauge("cpu_percent"), chart: .init(chart: cpuChart, series: "average", style: "s1", showsPeak: true), anomaly: true),
        MetricDescriptor(
            .cpuCores, label: "CPU cores", help: "Number of CPU cores.", unit: .count, inHistory: false, prometheus: .gauge("cpu_cores")),
        MetricDescriptor(
            .load1, label: "Load, 1 min", help: "Load average over 1 minute.", unit: .load, rollupPrefix: "load1", prometheus: .gauge("load1"),
            anomaly: true),
        MetricDescriptor(.load5, label: "Load, 5 min", help: "Load average over 5 minutes.", unit: .load, rollupPrefix: "load5", prometheus: .gauge("load5")),
        MetricDescriptor(
            .load15, label: "Load, 15 min", help: "Load average over 15 minutes.", unit: .load, rollupPrefix: "load15", prometheus: .gauge("load15")),
    ]

    /// The split of CPU time between the probe's two `/proc/stat` readings.
    static let cpuTime: [MetricDescriptor] = [
        MetricDescriptor(
            .cpuUserPercent, label: "CPU user time", help: "Share of CPU time spent in user space (user and nice), in percent.", unit: .percent,
            prometheus: .gauge("cpu_user_percent"), chart: .init(chart: cpuTimeChart, series: "user", style: "s1", showsPeak: false)),
        MetricDescriptor(
            .cpuSystemPercent, label: "CPU system time", help: "Share of CPU time spent in the kernel (system, irq and softirq), in percent.",
            unit: .percent, prometheus: .gauge("cpu_system_percent"), chart: .init(chart: cpuTimeChart, series: "system", style: "s2", showsPeak: false)),
        MetricDescriptor(
            .cpuIowaitPercent, label: "CPU I/O wait", help: "Share of CPU time idle while waiting for I/O, in percent.", unit: .percent,
            prometheus: .gauge("cpu_iowait_percent"), chart: .init(chart: cpuTimeChart, series: "I/O wait", style: "s3", showsPeak: false)),
        MetricDescriptor(
            .cpuStealPercent, label: "CPU steal", help: "Share of CPU time the hypervisor gave to other guests, in percent.", unit: .percent,
            prometheus: .gauge("cpu_steal_percent"), chart: .init(chart: cpuTimeChart, series: "steal", style: "s4", showsPeak: false)),
    ]
}

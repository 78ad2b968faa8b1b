extension MetricID {
    /// `MemTotal`, in bytes.
    public static let memoryTotalBytes = MetricID("memory_total_bytes")
    /// `MemAvailable` (MemFree + Buffers + Cached on kernels without it), in bytes.
    public static let memoryAvailableBytes = MetricID("memory_available_bytes")
    /// Memory in use (total − available) in percent of total.
    public static let ramPercent = MetricID("ram_percent")
    /// `SwapTotal`, in bytes; 0 on a host without swap.
    public static let swapTotalBytes = MetricID("swap_total_bytes")
    /// `SwapFree`, in bytes.
    public static let swapFreeBytes = MetricID("swap_free_bytes")
    /// Swap in use (total − free), in bytes.
    public static let swapUsedBytes = MetricID("swap_used_bytes")
}

extension MetricCatalogue {
    /// The memory chart.
    static let ramChart = MetricChart(id: "chart-ram", title: "RAM %", scale: .percent)

    /// Memory and swap.
    static let memory: [MetricDescriptor] = [
        MetricDescriptor(
            .memoryTotalBytes, label: "Memory total", help: "Total memory in bytes.", unit: .bytes, inHistory: false,
            prometheus: .gauge("memory_total_bytes")),
        MetricDescriptor(
            .memoryAvailableBytes, label: "Memory available", help: "Available memory in bytes.", unit: .bytes, inHistory: false,
            prometheus: .gauge("memory_available_bytes")),
        MetricDescriptor(
            .ramPercent, label: "Memory used", help: "Memory in use (total minus available) in percent.", unit: .percent,
            source: .derived(stored: true) { sample in
                guard let total = sample[.memoryTotalBytes], let available = sample[.memoryAvailableBytes], total > 0 else { return nil }
                return max(0, total - available) / total * 100
            },
            rollupPrefix: "ram", threshold: .ram, prometheus: .gauge("memory_used_percent"),
            chart: .init(chart: ramChart, series: "average", style: "s2", showsPeak: true), anomaly: true),
        MetricDescriptor(
            .swapTotalBytes, label: "Swap total", help: "Total swap in bytes.", unit: .bytes, inHistory: false, prometheus: .gauge("swap_total_bytes")),
        MetricDescriptor(
            .swapFreeBytes, label: "Swap free", help: "Free swap in bytes.", unit: .bytes, inHistory: false, prometheus: .gauge("swap_free_bytes")),
        MetricDescriptor(
            .swapUsedBytes, label: "Swap used", help: "Swap in use (total minus free) in bytes.", unit: .bytes,
            source: .derived(stored: false) { sample in
                guard let total = sample[.swapTotalBytes], let free = sample[.swapFreeBytes] else { return nil }
                return max(0, total - free)
            }, anomaly: true),
    ]
}

/// One anomaly planted into a synthetic server's history (docs/benchmarks.md, bench-anomaly).
struct PlantedAnomaly: Sendable {
    /// What kind of unusual moment it is; the raw value is the CSV label.
    enum Kind: String, CaseIterable, Sendable {
        /// CPU near 100 % and load far above the cores, for a few samples.
        case cpuSpike = "cpu_spike"
        /// RAM climbing over hours towards full (and swap with it), then a restart.
        case memoryLeak = "memory_leak"
        /// Many times the usual TCP connections, with network traffic and some CPU.
        case connectionStorm = "connection_storm"
        /// Everything near zero for hours while the server is usually busy.
        case deadPeriod = "dead_period"
        /// A whole day whose busy hours are moved by several hours.
        case shiftedDay = "shifted_day"
    }

    /// The kind.
    let kind: Kind
    /// The index of its first sample in the server's history.
    let start: Int
    /// How many samples it spans.
    let length: Int
    /// For a shifted day, by how many hours the day's activity is moved.
    let shiftHours: Double

    /// Whether sample `index` lies inside it.
    func covers(_ index: Int) -> Bool {
        index >= start && index < start + length
    }
}

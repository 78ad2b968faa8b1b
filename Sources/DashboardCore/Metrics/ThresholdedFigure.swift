/// Which of the warning/critical level pairs (``Thresholds``) judges a figure.
public enum ThresholdedFigure: String, Sendable, CaseIterable {
    /// `THRESHOLD_CPU_*`.
    case cpu
    /// `THRESHOLD_RAM_*`.
    case ram
    /// `THRESHOLD_DISK_*`.
    case disk
    /// `THRESHOLD_TEMPERATURE_*` (°C).
    case temperature
    /// `THRESHOLD_INODES_*`.
    case inodes

    /// The pair in `thresholds` that judges the figure.
    public func levels(in thresholds: Thresholds) -> Threshold {
        switch self {
        case .cpu: thresholds.cpu
        case .ram: thresholds.ram
        case .disk: thresholds.disk
        case .temperature: thresholds.temperature
        case .inodes: thresholds.inodes
        }
    }
}

/// What should happen to one alert type of one server after a collection attempt.
public enum AlertDecision: Sendable, Equatable {
    /// Open it (or update the open one) with this severity, message and figure.
    case open(AlertType, AlertSeverity, message: String, value: Double?)
    /// Resolve it if it is open.
    case resolve(AlertType)
}

/// Turns a collection attempt into alert decisions against the thresholds (docs/notifications.md).
public struct AlertEvaluator: Sendable {
    /// The levels at which metric alerts open as warning or critical.
    public var thresholds: Thresholds

    /// Creates an evaluator.
    public init(thresholds: Thresholds) {
        self.thresholds = thresholds
    }

    /// After a successful sample: a metric at warning or critical level opens (or updates)
    /// its alert, a normal one resolves it; the server is reachable again, so the offline
    /// and host-key alerts resolve too. The deeper alerts (failed units, containers,
    /// temperature, inodes) follow ``deeperDecisions(for:previousContainers:serverName:)``;
    /// `previousContainers` are the containers of the server's sample before this one.
    public func decisions(for sample: MetricSample, serverName: String, previousContainers: [ContainerInfo]? = nil) -> [AlertDecision] {
        var decisions: [AlertDecision] = [.resolve(.offline), .resolve(.hostKey)]
        func judge(_ type: AlertType, _ label: String, _ value: Double?, _ threshold: Threshold) {
            switch threshold.classify(value) {
            case .normal:
                decisions.append(.resolve(type))
            case .warning:
                decisions.append(.open(type, .warning, message: Self.message(serverName, label, value!, "warning", threshold.warning), value: value))
            case .critical:
                decisions.append(.open(type, .critical, message: Self.message(serverName, label, value!, "critical", threshold.critical), value: value))
            }
        }
        judge(.cpu, "CPU", StatusClassifier.cpuFigure(of: sample), thresholds.cpu)
        judge(.ram, "RAM", sample.ramPercent, thresholds.ram)
        judge(.disk, "disk" + (sample.headlineFilesystem.map { " (\($0.mountPoint))" } ?? ""), sample.diskPercent, thresholds.disk)
        decisions += deeperDecisions(for: sample, previousContainers: previousContainers, serverName: serverName)
        return decisions
    }

    /// After a failed attempt: a host-key failure opens a critical security alert; any
    /// other failure opens the offline alert. Metric alerts stay as they were.
    public func decisions(for failure: CollectionFailure, serverName: String) -> [AlertDecision] {
        switch failure.kind {
        case .hostKey:
            return [.open(.hostKey, .critical, message: "\(serverName): SSH host key not trusted — \(failure.message)", value: nil)]
        case .storage:
            return []
        default:
            return [.open(.offline, .critical, message: "\(serverName) is offline (\(failure.kind.rawValue)): \(failure.message)", value: nil)]
        }
    }

    static func message(_ server: String, _ label: String, _ value: Double, _ level: String, _ limit: Double, unit: String = "%") -> String {
        "\(server): \(label) at \(format(value))\(unit) (\(level) threshold \(format(limit))\(unit))"
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

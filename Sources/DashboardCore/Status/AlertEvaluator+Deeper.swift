extension AlertEvaluator {
    /// A container whose restart count rose by more than this since the server's previous sample
    /// keeps restarting (docs/notifications.md, "Deeper alerts").
    public static let containerRestartLimit = 3
    /// How many unit or container names an alert message lists before "and N more".
    public static let namesInMessage = 5
    /// The longest name an alert message repeats, in bytes of UTF-8.
    static let nameBytesInMessage = 80

    /// The alerts on what the deeper probe sections report (docs/notifications.md, "Deeper alerts"):
    ///
    /// - `temperature` and `inodes` against their thresholds, like CPU, RAM and disk;
    /// - `failed_units`: a warning while any systemd unit is failed, naming up to five;
    /// - `container`: a warning while a container has exited with a non-zero code, is dead or
    ///   restarting, or restarted more than ``containerRestartLimit`` times since `previousContainers`.
    ///
    /// A section the sample lacks (`nil`: the host has no sensor, no systemd, no usable engine, or
    /// it could not be read this time) neither opens nor resolves its alert.
    public func deeperDecisions(for sample: MetricSample, previousContainers: [ContainerInfo]?, serverName: String) -> [AlertDecision] {
        var decisions: [AlertDecision] = []
        let temperature = MetricCatalogue.value(judgedBy: .temperature, in: sample)
        if let decision = Self.thresholdDecision(.temperature, serverName, "temperature", temperature, thresholds.temperature, unit: " °C") {
            decisions.append(decision)
        }
        let fullest = MetricCatalogue.filesystemJudgedByInodes(in: sample)
        let inodes = MetricCatalogue.value(judgedBy: .inodes, in: sample)
        let inodesLabel = "inodes" + (fullest.map { " (\(Self.shown($0.mountPoint)))" } ?? "")
        if let decision = Self.thresholdDecision(.inodes, serverName, inodesLabel, inodes, thresholds.inodes, unit: "%") {
            decisions.append(decision)
        }
        if let units = sample.failedUnits {
            decisions.append(Self.failedUnitsDecision(units, serverName: serverName))
        }
        if let containers = sample.containers {
            decisions.append(Self.containerDecision(containers, previous: previousContainers, serverName: serverName))
        }
        return decisions
    }

    /// A figure against its levels; `nil` (no decision) when the figure is absent.
    static func thresholdDecision(_ type: AlertType, _ server: String, _ label: String, _ value: Double?, _ threshold: Threshold, unit: String)
        -> AlertDecision?
    {
        guard let value, value.isFinite else { return nil }
        switch threshold.classify(value) {
        case .normal:
            return .resolve(type)
        case .warning:
            return .open(type, .warning, message: message(server, label, value, "warning", threshold.warning, unit: unit), value: value)
        case .critical:
            return .open(type, .critical, message: message(server, label, value, "critical", threshold.critical, unit: unit), value: value)
        }
    }

    /// `web-01: 2 failed systemd units: nginx.service, backup.service`; resolves when none is failed.
    static func failedUnitsDecision(_ units: [String], serverName: String) -> AlertDecision {
        let names = units.map(shown).filter { !$0.isEmpty }
        guard !names.isEmpty else { return .resolve(.failedUnits) }
        let noun = names.count == 1 ? "failed systemd unit" : "failed systemd units"
        let message = "\(serverName): \(names.count) \(noun): \(listed(names))"
        return .open(.failedUnits, .warning, message: message, value: Double(names.count))
    }

    /// `web-01: 2 unhealthy containers: api (exited with code 3), worker (restarting)`; resolves
    /// when every container runs (or the bad ones were removed).
    static func containerDecision(_ containers: [ContainerInfo], previous: [ContainerInfo]?, serverName: String) -> AlertDecision {
        let before = Dictionary((previous ?? []).map { ($0.name, $0.restartCount) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for container in containers {
            let name = shown(container.name)
            if container.state == "restarting" {
                problems.append("\(name) (restarting)")
            } else if container.state == "dead" {
                problems.append("\(name) (dead)")
            } else if container.state == "exited", let code = container.exitCode, code != 0 {
                problems.append("\(name) (exited with code \(code))")
            } else if let now = container.restartCount, let earlier = before[container.name] ?? nil, now - earlier > containerRestartLimit {
                problems.append("\(name) (restarted \(now - earlier) times since the previous sample)")
            }
        }
        guard !problems.isEmpty else { return .resolve(.container) }
        let noun = problems.count == 1 ? "unhealthy container" : "unhealthy containers"
        return .open(.container, .warning, message: "\(serverName): \(problems.count) \(noun): \(listed(problems))", value: Double(problems.count))
    }

    /// The first ``namesInMessage`` items, comma-separated, then `and N more`.
    private static func listed(_ items: [String]) -> String {
        var text = items.prefix(namesInMessage).joined(separator: ", ")
        if items.count > namesInMessage { text += " and \(items.count - namesInMessage) more" }
        return text
    }

    /// A host-supplied name as a message repeats it: cleaned (docs/notifications.md, "Deeper alerts") and cut to ``nameBytesInMessage``.
    static func shown(_ name: String) -> String {
        let cleaned = HostText.clean(name, maximumBytes: nameBytesInMessage)
        return cleaned.truncated ? cleaned.text + "…" : cleaned.text
    }
}

import DashboardCore
import DashboardStorage
import Foundation

/// The alert rules of one run (docs/notifications.md, "Rules"): each server judged against
/// its own thresholds, decisions debounced, and every change that is to be told written
/// to the outbox with it.
struct AlertJudge: Sendable {
    let database: Database
    let rules: AlertRules
    let debouncer: AlertDebouncer
    let outbox: AlertOutbox
    /// `ANOMALY_ALERTS` and `ANOMALY_SCORE_THRESHOLD`: whether a scored sample moves the `anomaly` alert, and from what score.
    let anomaly: AnomalySettings
    private let servers: [String: ServerConfig]

    /// A judge for `inventory` under `settings`, with the silences in force.
    init(database: Database, inventory: Inventory, settings: CollectorSettings, silences: [Silence]) {
        self.database = database
        rules = inventory.rules(global: settings.thresholds)
        debouncer = settings.notifications.debouncer
        outbox = settings.notifications.outbox(silences: silences)
        anomaly = settings.anomaly
        servers = Dictionary(inventory.servers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The evaluator with the thresholds of the server named `name` (the global ones for a server no longer listed).
    func evaluator(for name: String) -> AlertEvaluator {
        AlertEvaluator(thresholds: servers[name].map(rules.thresholds(for:)) ?? rules.global)
    }

    /// After a sample: applies its decisions, and with `ANOMALY_ALERTS=true` the `anomaly` alert's
    /// from the sample's `anomaly` score (none when it has no score: no model yet, or scoring
    /// failed); returns the alert types newly opened. With `ANOMALY_ALERTS=false` an `anomaly`
    /// alert left open from before is resolved.
    @discardableResult
    func judge(_ sample: MetricSample, serverName: String, serverID: Int64, at time: Date, anomaly assessment: AnomalyAssessment? = nil)
        async throws(StorageError) -> [AlertType]
    {
        // The `container` alert counts restarts since the server's previous sample (docs/notifications.md, "Deeper alerts").
        var previousContainers: [ContainerInfo]?
        if let containers = sample.containers, containers.contains(where: { $0.restartCount != nil }) {
            previousContainers = try await database.alerts.previousContainers(serverID: serverID, before: sample.collectedAt)
        }
        var decisions = evaluator(for: serverName).decisions(for: sample, serverName: serverName, previousContainers: previousContainers)
        if !anomaly.alerts {
            decisions.append(.resolve(.anomaly))
        } else if let assessment {
            decisions.append(AlertEvaluator.anomalyDecision(for: assessment, serverName: serverName, threshold: anomaly.scoreThreshold))
        }
        return try await apply(decisions, serverName: serverName, serverID: serverID, at: time)
    }

    /// After a failed attempt: applies its decisions.
    func judge(_ failure: CollectionFailure, serverName: String, serverID: Int64, at time: Date) async throws(StorageError) {
        _ = try await apply(evaluator(for: serverName).decisions(for: failure, serverName: serverName), serverName: serverName, serverID: serverID, at: time)
    }

    private func apply(_ decisions: [AlertDecision], serverName: String, serverID: Int64, at time: Date) async throws(StorageError) -> [AlertType] {
        let server = servers[serverName]
        let subject = AlertSubject(name: serverName, tags: server?.tags ?? [], maintenance: server.map(rules.maintenance(for:)) ?? [])
        return try await database.alerts.apply(decisions, serverID: serverID, at: time, debouncer: debouncer, subject: subject, outbox: outbox)
    }
}

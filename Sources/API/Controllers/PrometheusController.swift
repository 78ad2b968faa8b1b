import DashboardCore
import DashboardExport
import DashboardStorage
import FoundationEssentials
import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus text exposition of every latest figure per server
/// (label `server`, escaped per the format), up/down and status, the age of the last
/// collection, each server's latest anomaly score (docs/anomalies.md), the notification
/// outbox's pending and failed counts, and the api's own request counts and latencies.
///
/// While the database is unreachable the answer is still 200, with
/// `server_dashboard_database_up 0` and the api's own metrics, so a scrape tells
/// "api up, database down" apart from "api down".
struct PrometheusController {
    let cache: FleetCache
    let database: Database
    let classifier: StatusClassifier

    func addRoutes(to router: Router<APIContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(request: Request, context: APIContext) async throws -> Response {
        var exposition = PrometheusExposition()
        let now = Date()
        do {
            let fleet = try await cache.currentFleet()
            let notifications = try await cache.currentNotificationCounts()
            // Read before anything is written, so a database lost meanwhile leaves only the `0` below.
            let anomalyScores = try await database.anomalies.latestScores()
            let containers = try await database.metrics.latestContainers()
            try exposition.gauge("server_dashboard_database_up", help: "Whether the api can read PostgreSQL (1) or not (0).", value: 1)
            try Self.appendFleet(fleet.enabled, to: &exposition, classifier: classifier, now: now, containers: containers)
            try Self.appendAnomalyScores(anomalyScores, to: &exposition)
            try Self.appendNotifications(notifications, to: &exposition)
        } catch let error as StorageError where error.isUnavailable {
            try exposition.gauge("server_dashboard_database_up", help: "Whether the api can read PostgreSQL (1) or not (0).", value: 0)
        }
        var body = exposition.encoded()
        APIMetrics.registry.emit(into: &body)
        return Response(status: .ok, headers: [.contentType: PrometheusExposition.contentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The latest anomaly score of each enabled server that has one (docs/anomalies.md).
    static func appendAnomalyScores(_ scores: [(serverName: String, score: Double)], to exposition: inout PrometheusExposition) throws {
        try exposition.declare(
            "server_dashboard_anomaly_score", type: .gauge,
            help: "The anomaly score (0 to 1) of the server's latest scored sample; at or above ANOMALY_SCORE_THRESHOLD it is an anomaly.")
        for (name, score) in scores {
            try exposition.append("server_dashboard_anomaly_score", labels: [(name: "server", value: name)], value: score)
        }
    }

    /// The outbox's gauges (docs/notifications.md).
    static func appendNotifications(_ counts: NotificationRepository.Counts, to exposition: inout PrometheusExposition) throws {
        try exposition.gauge(
            "server_dashboard_notifications_pending", help: "Notifications waiting in the outbox for delivery to their channel.", value: Double(counts.pending))
        try exposition.gauge(
            "server_dashboard_notifications_failed", help: "Notifications given up (older than NOTIFY_MAX_AGE_HOURS, or their channel left NOTIFY_URLS).",
            value: Double(counts.failed))
    }

    /// Every server's figures; `containers` (by server id) stands in for the samples' own lists, which
    /// the fleet read leaves out (a server missing from it: its sample's list).
    static func appendFleet(
        _ snapshots: [ServerSnapshot], to exposition: inout PrometheusExposition, classifier: StatusClassifier, now: Date,
        containers: [Int64: [ContainerInfo]] = [:]
    ) throws {
        try exposition.declare(
            "server_dashboard_up", type: .gauge, help: "Whether the server was collected recently and its last attempt succeeded (1) or it is offline (0).")
        try exposition.declare(
            "server_dashboard_status", type: .gauge, help: "The server's status: 1 for the current one of healthy, warning, critical, offline.")
        try exposition.declare("server_dashboard_last_collection_timestamp_seconds", type: .gauge, help: "When the latest sample was collected (Unix time).")
        try exposition.declare("server_dashboard_last_collection_age_seconds", type: .gauge, help: "Seconds since the latest sample was collected.")
        // Every figure the catalogue exports (docs/adding-a-metric.md).
        let figures = MetricCatalogue.prometheus.compactMap { descriptor in descriptor.prometheus.map { (descriptor, $0) } }
        for (descriptor, family) in figures {
            try exposition.declare(family.name, type: family.isCounter ? .counter : .gauge, help: descriptor.help)
        }
        try exposition.declare("server_dashboard_filesystem_size_bytes", type: .gauge, help: "Filesystem size in bytes.")
        try exposition.declare("server_dashboard_filesystem_used_bytes", type: .gauge, help: "Filesystem space used in bytes.")
        try exposition.declare("server_dashboard_filesystem_available_bytes", type: .gauge, help: "Filesystem space available to unprivileged users in bytes.")
        try declareDeeper(in: &exposition)
        var counts: [ServerStatus: Int] = [:]
        for snapshot in snapshots {
            let server = [(name: "server", value: snapshot.server.name)]
            let report = classifier.classify(snapshot, now: now)
            counts[report.status, default: 0] += 1
            try exposition.append("server_dashboard_up", labels: server, value: report.status == .offline ? 0 : 1)
            for status in ServerStatus.allCases {
                try exposition.append(
                    "server_dashboard_status", labels: server + [(name: "status", value: status.rawValue)], value: report.status == status ? 1 : 0)
            }
            guard let sample = snapshot.latest else { continue }
            try exposition.append("server_dashboard_last_collection_timestamp_seconds", labels: server, value: sample.collectedAt.timeIntervalSince1970)
            try exposition.append("server_dashboard_last_collection_age_seconds", labels: server, value: max(0, now.timeIntervalSince(sample.collectedAt)))
            for (descriptor, family) in figures {
                if let value = descriptor.value(in: sample) {
                    try exposition.append(family.name, labels: server, value: value)
                }
            }
            for filesystem in sample.filesystems {
                let labels = server + [(name: "mountpoint", value: filesystem.mountPoint), (name: "device", value: filesystem.device)]
                try exposition.append("server_dashboard_filesystem_size_bytes", labels: labels, value: Double(filesystem.sizeBytes))
                try exposition.append("server_dashboard_filesystem_used_bytes", labels: labels, value: Double(filesystem.usedBytes))
                try exposition.append("server_dashboard_filesystem_available_bytes", labels: labels, value: Double(filesystem.availableBytes))
            }
            try appendDeeper(sample, containers: containers[snapshot.server.id] ?? sample.containers, server: server, to: &exposition)
        }
        for status in ServerStatus.allCases {
            try exposition.gauge(
                "server_dashboard_servers", help: "Servers in the inventory by status.", labels: [(name: "status", value: status.rawValue)],
                value: Double(counts[status] ?? 0))
        }
    }

    /// The most containers one server exposes to `server_dashboard_container_up` (the probe keeps as many).
    static let maximumContainerSeries = 50
    /// The longest container name used as a label value, in bytes.
    static let maximumContainerLabelBytes = 128

    /// Declares the families of failed units and containers (docs/api.md, `/metrics`).
    static func declareDeeper(in exposition: inout PrometheusExposition) throws {
        try exposition.declare(
            "server_dashboard_failed_units", type: .gauge, help: "Failed systemd units in the latest sample (absent when the host has no systemd).")
        try exposition.declare(
            "server_dashboard_containers", type: .gauge,
            help: "Docker or Podman containers in the latest sample by state (absent when no engine is usable by the login user).")
        try exposition.declare(
            "server_dashboard_container_up", type: .gauge, help: "Whether a container of the latest sample is running (1) or not (0); at most 50 per server.")
    }

    /// A sample's failed-unit count, its containers counted by state (every state, 0 included) and each
    /// container's up gauge, labelled by its cleaned, bounded name (the first of names that clean alike).
    static func appendDeeper(
        _ sample: MetricSample, containers: [ContainerInfo]?, server: [(name: String, value: String)], to exposition: inout PrometheusExposition
    ) throws {
        if let units = sample.failedUnits {
            try exposition.append("server_dashboard_failed_units", labels: server, value: Double(units.count))
        }
        guard let containers else { return }
        var byState: [String: Int] = [:]
        for container in containers {
            let state = ContainerInfo.states.contains(container.state) ? container.state : "unknown"
            byState[state, default: 0] += 1
        }
        for state in ContainerInfo.states.sorted() {
            try exposition.append("server_dashboard_containers", labels: server + [(name: "state", value: state)], value: Double(byState[state] ?? 0))
        }
        var named: Set<String> = []
        for container in containers {
            guard named.count < maximumContainerSeries else { break }
            let label = HostText.clean(container.name, maximumBytes: maximumContainerLabelBytes).text
            guard !label.isEmpty, named.insert(label).inserted else { continue }
            try exposition.append(
                "server_dashboard_container_up", labels: server + [(name: "container", value: label)], value: container.state == "running" ? 1 : 0)
        }
    }
}

import FoundationEssentials

extension Overview {
    /// Summarises a fleet: counts by status, averages over online servers, active alerts.
    ///
    /// - Parameters:
    ///   - snapshots: every enabled server with its latest sample.
    ///   - activeAlerts: the alerts still open.
    ///   - activeUsers: distinct user names in the latest samples of online servers.
    public init(snapshots: [ServerSnapshot], classifier: StatusClassifier, activeAlerts: [Alert], activeUsers: Int, now: Date = Date()) {
        var online: [MetricSample] = []
        for snapshot in snapshots where !classifier.isOffline(snapshot, now: now) {
            if let sample = snapshot.latest { online.append(sample) }
        }
        func average(_ values: [Double?]) -> Double {
            let present = values.compactMap { $0 }.filter(\.isFinite)
            guard !present.isEmpty else { return 0 }
            return (present.reduce(0, +) / Double(present.count) * 100).rounded() / 100
        }
        self.init(
            totalServers: snapshots.count,
            onlineServers: online.count,
            offlineServers: snapshots.count - online.count,
            avgCPU: average(online.map(StatusClassifier.cpuFigure(of:))),
            avgRAM: average(online.map(\.ramPercent)),
            avgDisk: average(online.map(\.diskPercent)),
            totalUsers: activeUsers,
            alerts: activeAlerts.map { AlertSummary(server: $0.serverName, type: $0.severity.rawValue, metric: $0.type.rawValue, message: $0.message) }
        )
    }
}

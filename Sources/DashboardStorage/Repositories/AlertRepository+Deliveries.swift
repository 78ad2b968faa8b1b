import DashboardCore
import FoundationEssentials

extension AlertRepository {
    /// An alert as listed, with what decides whether it is silenced: its server's tags and
    /// maintenance windows (`servers.maintenance`, as written in the inventory).
    struct ListedAlert {
        var alert: Alert
        var tags: [String]
        var maintenance: [String]
    }

    /// The alerts with their notifications' deliveries (one query for all of them) and,
    /// for those still active, the silence or maintenance window keeping them from being
    /// notified at `now` (docs/notifications.md).
    func withDeliveriesAndSilencing(_ listed: [ListedAlert], now: Date) async throws(StorageError) -> [Alert] {
        guard !listed.isEmpty else { return [] }
        let deliveries = try await NotificationRepository(pool: pool).deliveries(alertIDs: listed.map(\.alert.id))
        let silences = listed.contains(where: \.alert.isActive) ? try await SilenceRepository(pool: pool).active(at: now) : []
        var windows: [String: [MaintenanceWindow]] = [:]
        return listed.map { item in
            var alert = item.alert
            alert.notifications = deliveries[alert.id] ?? []
            guard alert.isActive, !silences.isEmpty || !item.maintenance.isEmpty else { return alert }
            let maintenance = windows[alert.serverName] ?? item.maintenance.compactMap(MaintenanceWindow.init)
            windows[alert.serverName] = maintenance
            alert.silenced = AlertSilencing.find(
                serverName: alert.serverName, tags: item.tags, maintenance: maintenance, type: alert.type, silences: silences, at: now)
            return alert
        }
    }
}

import DashboardCore
import FoundationEssentials

extension Database {
    /// The fleet overview: counts, averages over online servers, active users and alerts.
    public func overview(classifier: StatusClassifier, now: Date = Date()) async throws(StorageError) -> Overview {
        let snapshots = try await metrics.latest()
        let activeAlerts = try await alerts.list(.active)
        let onlineSince = now.addingTimeInterval(-2 * classifier.collectionInterval)
        let activeUsers = try await users.activeUserCount(since: onlineSince)
        return Overview(snapshots: snapshots, classifier: classifier, activeAlerts: activeAlerts, activeUsers: activeUsers, now: now)
    }
}

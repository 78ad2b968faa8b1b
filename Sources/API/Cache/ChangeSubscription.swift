import DashboardStorage
import Logging
import ServiceLifecycle

/// Keeps ``FleetCache`` in step with the database: listens for the change notifications
/// PostgreSQL's triggers send and tells the cache when data changed, when it may trust
/// itself (subscribed) and when it may not (connection lost).
struct ChangeSubscription: Service {
    let listener: ChangeListener
    let cache: FleetCache
    let logger: Logger
    /// The cache is refreshed at most this often while changes stream in.
    var minimumInterval: Duration = .seconds(1)

    func run() async {
        await cancelWhenGracefulShutdown {
            for await change in listener.changes() {
                switch change {
                case .subscribed:
                    logger.info("listening for data changes; latest metrics and the overview are served from memory")
                    await cache.setLive(true)
                    await cache.warm()
                case .unsubscribed(let reason):
                    logger.warning("not listening for data changes; every request reads the database until it is back", metadata: ["db.error": "\(reason)"])
                    await cache.setLive(false)
                case .changed:
                    await cache.dataChanged(minimumInterval: minimumInterval)
                }
            }
        }
    }
}

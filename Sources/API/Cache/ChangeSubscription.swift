import DashboardCore
import DashboardStorage
import FoundationEssentials
import Logging
import ServiceLifecycle

/// Keeps ``FleetCache`` in step with the database: listens for the change notifications
/// PostgreSQL's triggers send and tells the cache when data changed, when it may trust
/// itself (subscribed) and when it may not (connection lost). Live events (a run finished,
/// an alert changed) go to ``EventHub`` for `GET /api/events` (docs/api.md "Live events").
struct ChangeSubscription: Service {
    let listener: ChangeListener
    let cache: FleetCache
    let logger: Logger
    /// Where live events are published.
    var events: EventHub?
    /// Reads a finished run's servers for its `collection` event.
    var database: Database?
    /// The cache is refreshed at most this often while changes stream in.
    var minimumInterval: Duration = .seconds(1)

    func run() async {
        await cancelWhenGracefulShutdown {
            // Whether the last `database` event said "unreachable", so each change is told once.
            var toldUnreachable = false
            for await change in listener.changes() {
                switch change {
                case .subscribed:
                    logger.info("listening for data changes; latest metrics and the overview are served from memory")
                    await cache.setLive(true)
                    if toldUnreachable {
                        // Just after a restart the pool's first reads may still fail: the
                        // pages are told the database is back once the fleet reads (or in 5 s).
                        var attempts = 0
                        while !(await cache.warm()), attempts < 20 {
                            attempts += 1
                            try? await Task.sleep(for: .milliseconds(250))
                        }
                    } else {
                        await cache.warm()
                    }
                    if toldUnreachable {
                        toldUnreachable = false
                        publishDatabase(LiveEventNotice.DatabaseData(state: "reachable", since: nil))
                    }
                case .unsubscribed(let reason):
                    logger.warning(
                        "not listening for data changes; answers come from the database while it answers, else from the last known fleet marked stale",
                        metadata: ["db.error": "\(reason)"])
                    await cache.setLive(false)
                    if !toldUnreachable {
                        toldUnreachable = true
                        let since = await cache.databaseUnreachableSince ?? Date()
                        publishDatabase(LiveEventNotice.DatabaseData(state: "unreachable", since: Timestamp.format(since)))
                    }
                case .changed:
                    await cache.dataChanged(minimumInterval: minimumInterval)
                case .event(let payload):
                    await publish(payload)
                }
            }
        }
    }

    /// The names of the servers a run collected; none when they cannot be read (logged).
    func runServers(_ runID: Int64) async -> [String] {
        guard let database else { return [] }
        do {
            return try await database.runs.outcomes(runID: runID).map(\.serverName)
        } catch {
            logger.warning("could not read a finished run's servers for its live event", metadata: ["run.id": "\(runID)", "db.error": "\(error.message)"])
            return []
        }
    }

    /// Tells open pages that the database went away or came back (`database` event), so they
    /// show or drop the stale banner without waiting for a collection.
    func publishDatabase(_ data: LiveEventNotice.DatabaseData) {
        events?.publish(kind: "database", data: LiveEventNotice.line(data))
    }

    /// Publishes one live event. A `collection` event carries the run's servers and goes out
    /// only after the cache has re-read the fleet, so a page fetched on it shows the run's figures.
    func publish(_ payload: String) async {
        guard let events else { return }
        guard let notice = LiveEventNotice(payload: payload) else {
            logger.warning("ignored a live event the api does not understand", metadata: ["event.payload": "\(payload.prefix(200))"])
            return
        }
        switch notice {
        case .collection(let runID, let finishedAt):
            // The run's servers are read while the cache re-reads the fleet.
            async let servers = runServers(runID)
            await cache.invalidate()
            await cache.warm()
            events.publish(
                kind: "collection",
                data: LiveEventNotice.line(LiveEventNotice.CollectionData(runID: runID, finishedAt: finishedAt, servers: await servers)))
        case .alert(let alert):
            events.publish(kind: "alert", data: LiveEventNotice.line(alert))
        }
    }
}

import DashboardStorage
import Logging
import ServiceLifecycle

/// Applies pending migrations at start, under the migration advisory lock, retrying
/// until PostgreSQL is reachable: start order never matters. Requests that arrive
/// before the schema exists answer 503.
struct MigrationService: Service {
    let database: Database
    let logger: Logger

    func run() async {
        var delay = Duration.milliseconds(500)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                let applied = try await database.migrate(logger: logger)
                if !applied.isEmpty {
                    logger.info("applied migrations", metadata: ["db.migrations": "\(applied.map(String.init).joined(separator: ","))"])
                }
                break
            } catch {
                logger.warning("cannot apply migrations yet; retrying", metadata: ["db.error": "\(error.message)", "retry_in_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
        // A service that returns would stop the whole group; stay until shutdown.
        try? await gracefulShutdown()
    }
}

import DashboardStorage
import Logging
import ServiceLifecycle

/// Brings the schema up to date at start, retrying until PostgreSQL is reachable: start
/// order never matters. Requests that arrive before the schema exists answer 503.
///
/// A role that may change the schema applies pending migrations under the migration
/// advisory lock. The api's read-only role (the default deployment: docs/operations.md)
/// may not: it waits until the collector — whose role owns the schema — has applied
/// them, and never tries DDL itself.
struct MigrationService: Service {
    let database: Database
    let logger: Logger

    func run() async {
        var delay = Duration.milliseconds(500)
        var announcedWait = false
        let migrator = Migrator(pool: database.pool, logger: logger)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do throws(StorageError) {
                if try await migrator.mayMigrate() {
                    let applied = try await database.migrate(logger: logger)
                    if !applied.isEmpty {
                        logger.info("applied migrations", metadata: ["db.migrations": "\(applied.map(String.init).joined(separator: ","))"])
                    }
                    break
                }
                let pending = try await migrator.pendingVersions()
                if pending.isEmpty { break }
                if !announcedWait {
                    logger.notice(
                        "the api's database role only reads: waiting for the collector to apply migrations (collector migrate)",
                        metadata: [
                            "db.pending_migrations": "\(pending.map(String.init).joined(separator: ","))"
                        ])
                    announcedWait = true
                }
            } catch {
                logger.warning(
                    "database schema not ready yet; retrying",
                    metadata: [
                        "db.error": "\(error.message)",
                        "retry_in_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
                    ])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
        // A service that returns would stop the whole group; stay until shutdown.
        try? await gracefulShutdown()
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import Logging
import RemoteExec

/// Why a run could not happen at all (exit status 2).
struct RunRefusal: Error, CustomStringConvertible {
    let description: String
}

/// One collection run: the inventory into the database, every server probed
/// concurrently, each result stored the moment it arrives, alerts opened and
/// resolved, and a run record with every server's outcome.
struct CollectionCoordinator: Sendable {
    let database: Database
    let databaseConfiguration: DatabaseConfiguration
    let collector: ServerCollector
    let settings: CollectorSettings
    let logger: Logger

    /// Runs once over `inventory` (restricted to `shard` when given). `onServer` hears
    /// about each server as it finishes. A stop request stops new servers from starting;
    /// those in flight finish (within the probe timeout) and the run is recorded as interrupted.
    func run(inventory: Inventory, shard: Shard?, stop: StopSignal, onServer: @escaping @Sendable (RunReport.ServerLine) -> Void) async throws -> RunReport {
        let startedAt = Date()
        let skipped = inventory.problems.map(\.description)
        guard let lock = try await RunLock.acquire(databaseConfiguration) else {
            throw RunRefusal(description: "another collection run is in progress (it holds the database's run lock); this one exits without collecting")
        }
        if settings.hostKeyPolicy == .off {
            logger.warning("HOST_KEY_POLICY=off: SSH host keys are NOT verified, so a man in the middle would go unnoticed; use strict or accept-new")
        }
        let ids = try await database.servers.sync(inventory: inventory.servers)
        let targets = inventory.servers.filter { shard?.contains($0.name) ?? true }
        let runID = try await database.runs.start(at: startedAt, serversTotal: targets.count, shard: shard?.description, collectorHost: ProcessInfo.processInfo.hostName)
        logger.info("collection run started", metadata: ["run.id": "\(runID)", "run.servers": "\(targets.count)"])

        let evaluator = AlertEvaluator(thresholds: settings.thresholds)
        var lines: [RunReport.ServerLine] = []
        var interrupted = false
        await withTaskGroup(of: RunReport.ServerLine.self) { group in
            var pending = targets[...]
            var running = 0
            while true {
                while running < settings.concurrency, let server = pending.first {
                    if stop.isRequested {
                        interrupted = true
                        break
                    }
                    pending = pending.dropFirst()
                    running += 1
                    let serverID = ids[server.name]
                    group.addTask {
                        let collection = await collector.collect(server)
                        return await store(collection, serverID: serverID, runID: runID, evaluator: evaluator)
                    }
                }
                guard let line = await group.next() else { break }
                running -= 1
                lines.append(line)
                onServer(line)
            }
        }
        if !interrupted && stop.isRequested && lines.count < targets.count { interrupted = true }
        let finishedAt = Date()
        let state: CollectionRun.State = interrupted ? .interrupted : .completed
        do {
            try await database.runs.finish(runID: runID, at: finishedAt, state: state)
        } catch {
            logger.error("could not record the end of the run", metadata: ["run.id": "\(runID)", "db.error": "\(error.message)"])
        }
        await lock.release()
        return RunReport(runID: runID, startedAt: startedAt, finishedAt: finishedAt, state: state, servers: lines, skipped: skipped)
    }

    /// Stores one server's collection: the sample (or the failure), alerts, and its outcome.
    private func store(_ collection: ServerCollection, serverID: Int64?, runID: Int64, evaluator: AlertEvaluator) async -> RunReport.ServerLine {
        let name = collection.server.name
        var failure = collection.failure
        let now = Date()
        if case .unchecked = collection.hostKey {
            logger.warning("host key not verified (HOST_KEY_POLICY=off)", metadata: ["server.name": "\(name)"])
        }
        if let serverID {
            do {
                switch collection.result {
                case .success(let report):
                    try await database.samples.store(report.sample, serverID: serverID)
                    try await database.alerts.apply(evaluator.decisions(for: report.sample, serverName: name), serverID: serverID, at: now)
                    if !report.problems.isEmpty {
                        logger.info("probe output had unreadable parts", metadata: [
                            "server.name": "\(name)", "probe.problems": "\(report.problems.prefix(5).map(\.description).joined(separator: "; "))",
                        ])
                    }
                case .failure(let cause):
                    try await database.servers.recordFailure(serverID: serverID, failure: cause, at: now)
                    try await database.alerts.apply(evaluator.decisions(for: cause, serverName: name), serverID: serverID, at: now)
                }
            } catch {
                failure = CollectionFailure(kind: .storage, message: "collected, but could not be stored: \(error.message)")
            }
        } else {
            failure = CollectionFailure(kind: .storage, message: "the server is missing from the servers table")
        }
        let outcome = ServerOutcome(serverName: name, failure: failure, attempts: collection.attempts, durationMilliseconds: collection.durationMilliseconds, finishedAt: now)
        do {
            try await database.runs.record(outcome, runID: runID, serverID: serverID)
        } catch {
            logger.error("could not record a server's outcome", metadata: ["server.name": "\(name)", "db.error": "\(error.message)"])
        }
        if let failure {
            logger.debug("collection failed", metadata: ["server.name": "\(name)", "failure.kind": "\(failure.kind.rawValue)"])
        }
        return RunReport.ServerLine(
            serverName: name, outcome: failure == nil ? "ok" : "failed", failureKind: failure?.kind.rawValue,
            message: failure?.message, attempts: collection.attempts, durationMs: collection.durationMilliseconds
        )
    }
}

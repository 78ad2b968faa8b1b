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

    /// The spool this coordinator writes to and replays from (`SPOOL_DIR`, `SPOOL_MAX_MB`).
    var spoolDirectory: SpoolDirectory {
        SpoolDirectory(path: settings.spoolDirectory, maximumBytes: settings.spoolMaximumBytes)
    }

    /// Runs once over `inventory` (restricted to `shard` when given). `onServer` hears
    /// about each server as it finishes. A stop request stops new servers from starting;
    /// those in flight finish (within the probe timeout) and the run is recorded as interrupted.
    ///
    /// Before collecting, what earlier runs spooled is stored, in order. A result that
    /// cannot be stored now goes to this run's spool file for the next run.
    func run(inventory: Inventory, shard: Shard?, stop: StopSignal, onServer: @escaping @Sendable (RunReport.ServerLine) -> Void) async throws -> RunReport {
        let startedAt = Date()
        let skipped = inventory.problems.map(\.description)
        guard let lock = try await RunLock.acquire(databaseConfiguration) else {
            throw RunRefusal(description: "another collection run is in progress (it holds the database's run lock); this one exits without collecting")
        }
        warnIfHostKeysAreUnchecked()
        let ids = try await database.servers.sync(inventory: inventory.servers, rules: inventory.rules(global: settings.thresholds))
        let silences = try await database.silences.list(includeEnded: false, now: startedAt)
        let judge = AlertJudge(database: database, inventory: inventory, settings: settings, silences: silences)
        let anomalies = AnomalyScorer(database: database, settings: settings.anomaly, logger: logger)
        let replay = await SpoolReplayer(directory: spoolDirectory, database: database, judge: judge, logger: logger, anomalies: anomalies).replay(
            serverIDs: ids)
        if replay.files > 0 || replay.stoppedBy != nil {
            logger.info(
                "stored the spool of earlier runs",
                metadata: [
                    "spool.files": "\(replay.files)", "spool.stored": "\(replay.stored)", "spool.already_stored": "\(replay.alreadyStored)",
                    "spool.quarantined": "\(replay.quarantined)", "spool.alerts_opened": "\(replay.alertsOpened)",
                ])
        }
        let targets = inventory.servers.filter { shard?.contains($0.name) ?? true }
        let runID = try await database.runs.start(
            at: startedAt, serversTotal: targets.count, shard: shard?.description, collectorHost: ProcessInfo.processInfo.hostName)
        logger.info("collection run started", metadata: ["run.id": "\(runID)", "run.servers": "\(targets.count)"])

        let spool = SpoolWriter(directory: spoolDirectory, startedAt: startedAt)
        let (lines, interrupted) = await collect(targets, stop: stop, onServer: onServer) { collection in
            await store(collection, serverID: ids[collection.server.name], runID: runID, judge: judge, anomalies: anomalies, spool: spool)
        }
        let finishedAt = Date()
        let state: CollectionRun.State = interrupted ? .interrupted : .completed
        do {
            try await database.runs.finish(runID: runID, at: finishedAt, state: state)
        } catch {
            logger.error("could not record the end of the run", metadata: ["run.id": "\(runID)", "db.error": "\(error.message)"])
        }
        spool.close()
        await lock.release()
        return RunReport(
            runID: runID, startedAt: startedAt, finishedAt: finishedAt, state: state, servers: lines, skipped: skipped, spooled: spool.entries,
            spoolFile: spool.entries > 0 ? spool.file : nil)
    }

    /// A run while PostgreSQL cannot be reached (`unavailable` says why): every server is
    /// still collected and each sample goes to this run's spool file, which the next run
    /// stores first. There is no run lock and no run record; every server's line says
    /// where its result went.
    func runWithoutDatabase(
        inventory: Inventory, shard: Shard?, stop: StopSignal, unavailable: String, onServer: @escaping @Sendable (RunReport.ServerLine) -> Void
    ) async -> RunReport {
        let startedAt = Date()
        warnIfHostKeysAreUnchecked()
        let targets = inventory.servers.filter { shard?.contains($0.name) ?? true }
        let spool = SpoolWriter(directory: spoolDirectory, startedAt: startedAt)
        logger.warning(
            "PostgreSQL is unavailable: collecting into the spool; the next run stores it",
            metadata: [
                "db.error": "\(unavailable)", "spool.file": "\(spool.file)", "run.servers": "\(targets.count)",
            ])
        let (lines, interrupted) = await collect(targets, stop: stop, onServer: onServer) { collection in
            var failure = collection.failure
            if case .success(let report) = collection.result {
                failure = await spoolSample(report.sample, of: collection.server, to: spool, because: unavailable)
            }
            return line(for: collection, failure: failure)
        }
        spool.close()
        return RunReport(
            runID: nil, startedAt: startedAt, finishedAt: Date(), state: interrupted ? .interrupted : .completed, servers: lines,
            skipped: inventory.problems.map(\.description), spooled: spool.entries, spoolFile: spool.entries > 0 ? spool.file : nil)
    }

    /// Logs, once per run, that host keys are not verified (`HOST_KEY_POLICY=off`).
    private func warnIfHostKeysAreUnchecked() {
        if settings.hostKeyPolicy == .off {
            logger.warning("HOST_KEY_POLICY=off: SSH host keys are NOT verified, so a man in the middle would go unnoticed; use strict or accept-new")
        }
    }

    /// Probes `targets` at most `settings.concurrency` at a time, handing each collection to
    /// `handle`; returns the lines and whether a stop request cut the run short.
    private func collect(
        _ targets: [ServerConfig], stop: StopSignal, onServer: @escaping @Sendable (RunReport.ServerLine) -> Void,
        handle: @escaping @Sendable (ServerCollection) async -> RunReport.ServerLine
    ) async -> ([RunReport.ServerLine], interrupted: Bool) {
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
                    group.addTask {
                        await handle(await collector.collect(server))
                    }
                }
                guard let line = await group.next() else { break }
                running -= 1
                lines.append(line)
                onServer(line)
            }
        }
        if !interrupted && stop.isRequested && lines.count < targets.count { interrupted = true }
        return (lines, interrupted)
    }

    /// Writes `sample` to the spool; returns the storage failure to report for it.
    private func spoolSample(_ sample: MetricSample, of server: ServerConfig, to spool: SpoolWriter, because cause: String) async -> CollectionFailure {
        do {
            try await spool.append(SpoolEntry(server: server, sample: sample))
            logger.warning(
                "a result PostgreSQL could not take is kept in the spool for the next run",
                metadata: [
                    "server.name": "\(server.name)", "spool.file": "\(spool.file)", "db.error": "\(cause)",
                ])
            return CollectionFailure(kind: .storage, message: "collected, but not stored (\(cause)); kept in the spool \(spool.file) for the next run")
        } catch {
            logger.error(
                "a collected result is lost: it could be neither stored nor spooled",
                metadata: ["server.name": "\(server.name)", "spool.error": "\(error.description)"])
            return CollectionFailure(
                kind: .storage, message: "collected, but not stored (\(cause)) and not spooled either (\(error.description)): this sample is lost")
        }
    }

    /// The report line for one server.
    private func line(for collection: ServerCollection, failure: CollectionFailure?) -> RunReport.ServerLine {
        RunReport.ServerLine(
            serverName: collection.server.name, outcome: failure == nil ? "ok" : "failed", failureKind: failure?.kind.rawValue,
            message: failure?.message, attempts: collection.attempts, durationMs: collection.durationMilliseconds
        )
    }

    /// Stores one server's collection: the sample (or the failure), its anomaly score, alerts, and its outcome.
    private func store(
        _ collection: ServerCollection, serverID: Int64?, runID: Int64, judge: AlertJudge, anomalies: AnomalyScorer, spool: SpoolWriter
    ) async -> RunReport.ServerLine {
        let name = collection.server.name
        var failure = collection.failure
        let now = Date()
        if case .unchecked = collection.hostKey {
            logger.warning("host key not verified (HOST_KEY_POLICY=off)", metadata: ["server.name": "\(name)"])
        }
        var sampleStored = false
        if let serverID {
            do {
                switch collection.result {
                case .success(let report):
                    let sampleID = try await ChangeDetector(database: database, logger: logger).store(
                        report.sample, serverID: serverID, serverName: name)
                    sampleStored = true
                    // Only a sample stored just now is scored; scoring never fails the sample.
                    var assessment: AnomalyAssessment?
                    if let sampleID {
                        assessment = await anomalies.score(report.sample, sampleID: sampleID, serverID: serverID, serverName: name)
                    }
                    try await judge.judge(report.sample, serverName: name, serverID: serverID, at: now, anomaly: assessment)
                    if !report.problems.isEmpty {
                        logger.info(
                            "probe output had unreadable parts",
                            metadata: [
                                "server.name": "\(name)", "probe.problems": "\(report.problems.prefix(5).map(\.description).joined(separator: "; "))",
                            ])
                    }
                case .failure(let cause):
                    try await database.servers.recordFailure(serverID: serverID, failure: cause, at: now)
                    if collection.hostKeyChanged {
                        await ChangeDetector(database: database, logger: logger).hostKeyChanged(
                            serverID: serverID, serverName: name, failure: cause, at: now)
                    }
                    try await judge.judge(cause, serverName: name, serverID: serverID, at: now)
                }
            } catch {
                if case .success(let report) = collection.result, !sampleStored {
                    failure = await spoolSample(report.sample, of: collection.server, to: spool, because: error.message)
                } else {
                    logger.error("could not record a server's alerts or failure", metadata: ["server.name": "\(name)", "db.error": "\(error.message)"])
                }
            }
        } else {
            failure = CollectionFailure(kind: .storage, message: "the server is missing from the servers table")
        }
        let outcome = ServerOutcome(
            serverName: name, failure: failure, attempts: collection.attempts, durationMilliseconds: collection.durationMilliseconds, finishedAt: now)
        do {
            try await database.runs.record(outcome, runID: runID, serverID: serverID)
        } catch {
            logger.error("could not record a server's outcome", metadata: ["server.name": "\(name)", "db.error": "\(error.message)"])
        }
        if let failure {
            logger.debug("collection failed", metadata: ["server.name": "\(name)", "failure.kind": "\(failure.kind.rawValue)"])
        }
        return line(for: collection, failure: failure)
    }
}

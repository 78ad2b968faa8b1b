import DashboardCore
import DashboardStorage
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Stores what earlier runs spooled, oldest file first and each file in order, before a
/// run collects anything new; then removes the file.
///
/// Exactly once: a sample is keyed by (server, collected_at) and stored with
/// `ON CONFLICT DO NOTHING`, so a file replayed again — after a crash between storing it
/// and removing it — stores nothing twice. A file another collector still writes (it holds
/// its `flock`) is left for later. A file with lines that cannot be read or stored is
/// moved to `quarantine/` once its readable lines are stored, with an error naming it:
/// it never blocks the files after it.
///
/// Alerts follow the replayed samples as they would have followed them live: each newly
/// stored sample that is its server's newest opens, updates or resolves that server's
/// alerts at the time it was collected, so an alert that opened and cleared while
/// PostgreSQL was away shows among the resolved ones. A sample older than one stored
/// since (a later run reached the database first) changes no alert.
struct SpoolReplayer: Sendable {
    let directory: SpoolDirectory
    let database: Database
    /// Judges each replayed sample against its server's alert rules.
    let judge: AlertJudge
    let logger: Logger
    /// Scores each newly stored sample (docs/anomalies.md); `nil`: no scoring.
    var anomalies: AnomalyScorer? = nil

    /// What a replay did.
    struct Outcome: Sendable, Equatable {
        var files = 0
        var stored = 0
        var alreadyStored = 0
        var quarantined = 0
        /// Alerts the replayed samples opened.
        var alertsOpened = 0
        /// Why the replay stopped early (PostgreSQL went away); the rest waits for the next run.
        var stoppedBy: String?
    }

    /// Replays every pending file; `serverIDs` are the inventory's ids by name (others are looked up).
    func replay(serverIDs: [String: Int64]) async -> Outcome {
        var outcome = Outcome()
        var ids = serverIDs
        for file in directory.pendingFiles() {
            guard let opened = await SpoolDirectory.offload({ Self.openUnlocked(file) }) else {
                logger.info("spool file is in use by a running collector; left for a later run", metadata: ["spool.file": "\(file)"])
                continue
            }
            defer { SpoolWriter.unlockAndClose(opened.descriptor) }
            let name = (file as NSString).lastPathComponent
            var problems: [String] = []
            if opened.tornTail {
                logger.warning(
                    "spool file ends in an incomplete line (a run stopped while writing it); that line is ignored", metadata: ["spool.file": "\(file)"])
            }
            let decoder = SpoolEntry.makeDecoder()
            for (number, line) in opened.lines {
                let entry: SpoolEntry
                do {
                    entry = try decoder.decode(SpoolEntry.self, from: line)
                } catch {
                    problems.append("line \(number) is not a spooled result")
                    continue
                }
                guard entry.version == SpoolEntry.currentVersion else {
                    problems.append("line \(number) has format version \(entry.version), this collector reads \(SpoolEntry.currentVersion)")
                    continue
                }
                do throws(StorageError) {
                    let serverID: Int64
                    if let known = ids[entry.serverName] {
                        serverID = known
                    } else {
                        serverID = try await database.servers.ensure(name: entry.serverName, host: entry.host, port: entry.port)
                        ids[entry.serverName] = serverID
                    }
                    // Through the change detector, so a replay in order records the runs' change events.
                    if let sampleID = try await ChangeDetector(database: database, logger: logger).store(
                        entry.sample, serverID: serverID, serverName: entry.serverName)
                    {
                        outcome.stored += 1
                        let assessment = await anomalies?.score(entry.sample, sampleID: sampleID, serverID: serverID, serverName: entry.serverName)
                        if try await database.servers.latestSampleID(serverID: serverID) == sampleID {
                            outcome.alertsOpened +=
                                try await judge.judge(
                                    entry.sample, serverName: entry.serverName, serverID: serverID, at: entry.sample.collectedAt, anomaly: assessment
                                ).count
                        }
                    } else {
                        outcome.alreadyStored += 1
                    }
                } catch {
                    if error.isUnavailable {
                        outcome.stoppedBy = error.message
                        logger.warning(
                            "replaying the spool stopped: PostgreSQL is unavailable; the rest waits for the next run",
                            metadata: ["spool.file": "\(file)", "db.error": "\(error.message)"])
                        return outcome
                    }
                    problems.append("line \(number) could not be stored (\(error.message))")
                }
            }
            outcome.files += 1
            if problems.isEmpty {
                await SpoolDirectory.offload {
                    unlink(file)
                    SpoolDirectory.syncFolder(directory.path)
                }
            } else {
                outcome.quarantined += 1
                let target = directory.quarantinePath + "/" + name
                let moved = await SpoolDirectory.offload { [directory] in
                    try? FileManager.default.createDirectory(
                        atPath: directory.quarantinePath, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    let moved = rename(file, target) == 0
                    SpoolDirectory.syncFolder(directory.quarantinePath)
                    SpoolDirectory.syncFolder(directory.path)
                    return moved
                }
                logger.error(
                    "spool file is garbled: moved to quarantine; its readable results were stored — inspect it, then delete it",
                    metadata: [
                        "spool.file": "\(file)", "spool.quarantine": "\(moved ? target : "(could not be moved; it will be retried)")",
                        "spool.problems": "\(problems.prefix(3).joined(separator: "; "))\(problems.count > 3 ? "; …" : "")",
                    ])
            }
        }
        return outcome
    }

    /// A spool file read whole, its complete lines numbered from 1.
    struct OpenedFile: Sendable {
        var descriptor: Int32
        var lines: [(Int, Data)]
        var tornTail: Bool
    }

    /// Opens and locks `file` without waiting; `nil` when another process holds it.
    static func openUnlocked(_ file: String) -> OpenedFile? {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        let data = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).readDataToEndOfFile()
        var lines: [(Int, Data)] = []
        var start = data.startIndex
        var number = 0
        for index in data.indices where data[index] == UInt8(ascii: "\n") {
            number += 1
            let line = data[start..<index]
            if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { lines.append((number, Data(line))) }
            start = data.index(after: index)
        }
        return OpenedFile(descriptor: descriptor, lines: lines, tornTail: start < data.endIndex)
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import Logging

/// Notices what changed on a server between two collections and records it as change events
/// (docs/collector.md, "Change events"): a reboot, a new kernel or OS, a user name never seen on
/// the server, a changed host key.
///
/// Sample-based events come from comparing a sample with what the server looked like before it
/// was stored (`SampleRepository.storeNoting`, one statement), so a spool replayed in order gives
/// the same events as the runs would have. Recording them never fails the run: an error is logged.
struct ChangeDetector: Sendable {
    let database: Database
    let logger: Logger

    /// How far the boot time (collection time − uptime) may move between two samples before it
    /// counts as a reboot: the two clocks involved drift and round.
    static let bootTimeTolerance: TimeInterval = 120

    /// Stores `sample` with its processes, containers and known users, then records the change
    /// events it shows. Returns the new sample's id, `nil` when it was stored before (no events
    /// then). Throws only when the sample could not be stored.
    func store(_ sample: MetricSample, serverID: Int64, serverName: String) async throws(StorageError) -> Int64? {
        guard let stored = try await database.samples.storeNoting(sample, serverID: serverID) else { return nil }
        let events = Self.events(between: stored, and: sample)
        guard !events.isEmpty else { return stored.id }
        do {
            try await database.changeEvents.record(events, serverID: serverID)
            logger.info(
                "change events recorded",
                metadata: ["server.name": "\(serverName)", "change.kinds": "\(events.map(\.kind.rawValue).joined(separator: ","))"])
        } catch {
            logger.error(
                "could not record a server's change events", metadata: ["server.name": "\(serverName)", "db.error": "\(error.message)"])
        }
        return stored.id
    }

    /// Records a `host_key_changed` event for a server that presented a changed key, once per
    /// change (docs/collector.md); `failure` is the collection's failure, whose message names
    /// the key it presented.
    func hostKeyChanged(serverID: Int64, serverName: String, failure: CollectionFailure?, at time: Date) async {
        do {
            let recorded = try await database.changeEvents.recordHostKeyChange(
                serverID: serverID, at: time, fingerprint: failure.flatMap { Self.fingerprint(in: $0.message) })
            if recorded {
                logger.warning("change event recorded", metadata: ["server.name": "\(serverName)", "change.kinds": "host_key_changed"])
            }
        } catch {
            logger.error("could not record a host-key change event", metadata: ["server.name": "\(serverName)", "db.error": "\(error.message)"])
        }
    }

    /// The events `sample` shows against what its server looked like before (`stored`), in the
    /// order they are recorded: reboot, kernel, OS, then new users by name. The server's first
    /// sample shows none: its users are recorded as known silently.
    static func events(between stored: StoredSample, and sample: MetricSample) -> [ChangeEvent] {
        guard let previous = stored.previous else { return [] }
        var events: [ChangeEvent] = []
        let at = sample.collectedAt
        // Reboot, kernel and OS compare with the sample before this one; a sample older than the
        // latest stored (replayed out of order) has none to compare with.
        if previous.collectedAt < sample.collectedAt {
            if let uptime = sample.uptimeSeconds, let previousUptime = previous.uptimeSeconds {
                let boot = sample.collectedAt.addingTimeInterval(-uptime)
                let previousBoot = previous.collectedAt.addingTimeInterval(-previousUptime)
                if uptime < previousUptime || abs(boot.timeIntervalSince(previousBoot)) > bootTimeTolerance {
                    events.append(ChangeEvent(kind: .reboot, at: at, previous: bootText(previousBoot), current: bootText(boot)))
                }
            }
            if let before = previous.kernel, let now = sample.kernel, before != now {
                events.append(ChangeEvent(kind: .kernelChanged, at: at, previous: before, current: now))
            }
            if let before = previous.osName, let now = sample.osName, before != now {
                events.append(ChangeEvent(kind: .osChanged, at: at, previous: before, current: now))
            }
        }
        for user in stored.newUsers {
            events.append(ChangeEvent(kind: .newUser, at: at, previous: nil, current: user))
        }
        return events
    }

    /// A boot time as the events show it: UTC, to the second.
    static func bootText(_ date: Date) -> String {
        Timestamp.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded()))
    }

    /// The key fingerprint (`SHA256:…`) a host-key failure message names, if any.
    static func fingerprint(in message: String) -> String? {
        guard let start = message.range(of: "SHA256:") else { return nil }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "+/="))
        let tail = message[start.upperBound...].unicodeScalars.prefix { allowed.contains($0) }
        guard !tail.isEmpty else { return nil }
        return "SHA256:" + String(String.UnicodeScalarView(tail))
    }
}

import DashboardCore
import DashboardStorage
import Foundation

/// A fleet of servers in every state, stored through the storage library as the
/// collector would: healthy, warning, critical, offline by age, failing, never
/// collected, a Unicode name with spaces, and a host reporting hostile names.
public enum SeededFleet {
    /// Five samples over the last hour, every metric normal.
    public static let healthy = "web-01"
    /// RAM at 85 % (warning level), the rest normal.
    public static let warning = "cache-02"
    /// CPU at 95 % (critical), under a Unicode name with spaces; its sample carries `hostileUser`.
    public static let critical = "db 01 ünïcødé"
    /// The last sample two hours old: offline by age.
    public static let stale = "old-host"
    /// A sample 30 minutes old, then a failed attempt (authentication) after it: offline, with an open offline alert.
    public static let failing = "flaky-03"
    /// In the inventory but never collected: no sample at all.
    public static let neverCollected = "new-box"
    /// A user name that is an HTML script element, reported by `critical`'s host.
    public static let hostileUser = "<script>alert(1)</script>"
    /// A spreadsheet formula as that user's top process, for CSV and XLSX escaping.
    public static let formulaProcess = "=cmd|' /C calc'!A0"

    /// The six servers of the fleet, in the order they are stored.
    public static var names: [String] { [healthy, warning, critical, stale, failing, neverCollected] }

    /// Stores the fleet at `now` and returns server ids by name.
    @discardableResult
    public static func seed(_ test: TestDatabase, now: Date = Date()) async throws -> [String: Int64] {
        try await seed(test.database, now: now)
    }

    /// Stores the fleet into `database`.
    @discardableResult
    public static func seed(_ database: Database, now: Date = Date()) async throws -> [String: Int64] {
        let inventory = names.map { ServerConfig(name: $0, host: "127.0.0.1", username: "probe", password: Secret("never-returned-secret")) }
        let ids = try await database.servers.sync(inventory: inventory)
        let evaluator = AlertEvaluator(thresholds: .defaults)

        func store(_ name: String, _ sample: MetricSample) async throws {
            let id = ids[name]!
            try await database.samples.store(sample, serverID: id)
            try await database.alerts.apply(evaluator.decisions(for: sample, serverName: name), serverID: id, at: sample.collectedAt)
        }

        // Healthy: an hour of history every 15 minutes, the last one a minute ago.
        for step in 0..<5 {
            let time = now.addingTimeInterval(-60 - Double(4 - step) * 900)
            try await store(
                healthy, makeSample(at: time, cpu: 10 + Double(step), rootUsed: 40, rx: 1_000 + Int64(step) * 900_000, tx: 2_000 + Int64(step) * 90_000))
        }
        // Warning: RAM at 85 %.
        try await store(warning, makeSample(at: now.addingTimeInterval(-120), cpu: 20, ram: (1000, 150), rootUsed: 50))
        // Critical: CPU at 95 %, and a host reporting hostile user and process names.
        var hostile = makeSample(at: now.addingTimeInterval(-90), cpu: 95, rootUsed: 60)
        hostile.users.append(UserActivity(username: hostileUser, cpuPercent: 99, memoryPercent: 1, processCount: 1, topProcess: formulaProcess, homeBytes: 10))
        try await store(critical, hostile)
        // Offline by age: the last sample is two hours old.
        try await store(stale, makeSample(at: now.addingTimeInterval(-7200), cpu: 5))
        // Failing: a sample, then a failed attempt after it.
        try await store(failing, makeSample(at: now.addingTimeInterval(-1800), cpu: 5))
        let failure = CollectionFailure(kind: .auth, message: "authentication failed for user probe")
        try await database.servers.recordFailure(serverID: ids[failing]!, failure: failure, at: now.addingTimeInterval(-60))
        let run = try await database.runs.start(at: now.addingTimeInterval(-70), serversTotal: 6)
        try await database.runs.record(
            ServerOutcome(serverName: failing, failure: failure, attempts: 1, durationMilliseconds: 35, finishedAt: now.addingTimeInterval(-60)), runID: run,
            serverID: ids[failing])
        try await database.runs.record(
            ServerOutcome(serverName: healthy, failure: nil, attempts: 1, durationMilliseconds: 612, finishedAt: now.addingTimeInterval(-61)), runID: run,
            serverID: ids[healthy])
        try await database.runs.finish(runID: run, at: now.addingTimeInterval(-59), state: .completed)
        try await database.alerts.apply(evaluator.decisions(for: failure, serverName: failing), serverID: ids[failing]!, at: now.addingTimeInterval(-60))
        return ids
    }
}

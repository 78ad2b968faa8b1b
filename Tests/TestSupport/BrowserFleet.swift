import DashboardCore
import DashboardStorage
import Foundation

/// The fleet the real-browser test (scripts/browser-test.sh) shows in Chromium: the
/// ``SeededFleet`` (every status, a failing server, one never collected, a host reporting
/// a `<script>` user name) plus servers with six hours of history every 15 minutes —
/// one with an hour-long gap, one whose CPU alert fired and resolved, one with a disk
/// filling up — and a long host name, so the screenshots look like a working fleet.
public enum BrowserFleet {
    /// The server whose history page the browser test opens (six hours, a gap in the middle).
    public static let history = "app-01"
    /// A long name, to check that cards and tables wrap it.
    public static let longName = "reporting-worker-eu-west-1.internal.example.net"

    /// Servers added to the ``SeededFleet``.
    public static let extra = [history, "app-02", "app-03", "batch-07", "storage-04", longName]

    /// Stores the fleet at `now`; returns server ids by name.
    @discardableResult
    public static func seed(_ test: TestDatabase, now: Date = Date()) async throws -> [String: Int64] {
        let database = test.database
        _ = try await SeededFleet.seed(database, now: now)
        let inventory = (SeededFleet.names + extra).map {
            ServerConfig(name: $0, host: "127.0.0.1", username: "probe", password: Secret("never-returned-secret"))
        }
        let ids = try await database.servers.sync(inventory: inventory)
        let evaluator = AlertEvaluator(thresholds: .defaults)
        let outbox = AlertOutbox(channels: [
            OutboxChannel(key: "hook", label: "https://hooks.example.org/…"), OutboxChannel(key: "chat", label: "slack+https://chat.example.org/…"),
        ])
        let samples = 24  // six hours every 15 minutes
        for (index, name) in extra.enumerated() {
            let id = ids[name]!
            for step in 0..<samples {
                // app-01 missed four collections two hours ago: its charts must show a gap.
                if name == history, (12...15).contains(step) { continue }
                let time = now.addingTimeInterval(-60 - Double(samples - 1 - step) * 900)
                let phase = Double(step) / 3 + Double(index)
                var cpu = 25 + 15 * sin(phase) + Double(index * 4)
                // batch-07 ran hot an hour ago: a critical CPU alert that has since resolved.
                if name == "batch-07", (18...20).contains(step) { cpu = 97 }
                let used = Int64(index == 4 ? 70 + step : 30 + index * 6 + step / 6)  // storage-04 fills up
                let ram: (Int64, Int64) = (8_000_000_000, Int64(8_000_000_000 * (0.55 - 0.2 * cos(phase) - 0.03 * Double(index))))
                var sample = makeSample(
                    at: time, cpu: cpu, ram: ram, rootUsed: min(used, 99),
                    rx: Int64(step) * (40_000_000 + Int64(index) * 9_000_000), tx: Int64(step) * (8_000_000 + Int64(index) * 2_000_000)
                )
                sample.hostname = name
                try await database.samples.store(sample, serverID: id)
                try await database.alerts.apply(evaluator.decisions(for: sample, serverName: name), serverID: id, at: time, outbox: outbox)
            }
        }
        // Every alert was told to two channels: the webhook took each at once, the chat hook
        // answered 503 and is being retried; storage-04's disk is silenced for a migration.
        try await database.pool.query(
            "UPDATE notifications SET state = 'delivered', attempts = 1, delivered_at = created_at + interval '2 seconds' WHERE channel_key = 'hook'")
        try await database.pool.query(
            "UPDATE notifications SET attempts = 3, last_error = 'HTTP 503 from slack+https://chat.example.org/…' WHERE channel_key = 'chat'")
        _ = try await database.silences.add(
            scope: .server("storage-04"), alertType: .disk, reason: "disk migration in progress", startsAt: now.addingTimeInterval(-600),
            endsAt: now.addingTimeInterval(4 * 3600))
        return ids
    }
}

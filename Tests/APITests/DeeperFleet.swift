import DashboardCore
import DashboardStorage
import Foundation
import TestSupport

/// Servers with the deeper probe's lists (docs/api.md): one reporting hostile processes, containers
/// and failed units with inodes and a temperature, one reporting empty lists, and their change events.
enum DeeperFleet {
    /// Reports everything, with hostile host text.
    static let deep = "deep-08"
    /// Reports empty lists: no process listed, no container, no failed unit.
    static let bare = "bare-09"
    /// A process command line that is markup, a formula and a label breaker at once.
    static let hostileCommand = "<script>alert(\"p\")</script> =1+1 \\ \"q\""
    /// A container name as hostile.
    static let hostileContainer = "evil\"name\\<b>x</b>"
    /// A failed unit name as hostile.
    static let hostileUnit = "<img src=x onerror=alert(1)>.service"
    /// A kernel release as hostile (a change event's `current`).
    static let hostileKernel = "6.9<svg onload=alert(1)>"

    /// The latest sample of ``deep``.
    static func deepSample(at time: Date) -> MetricSample {
        var sample = makeSample(at: time, cpu: 30)
        sample.filesystems[0].inodesTotal = 1_000_000
        sample.filesystems[0].inodesUsed = 912_345
        sample[.temperatureCelsius] = 71.5
        sample.topProcesses = [
            TopProcess(pid: 4242, user: "mallory", command: hostileCommand, cpuPercent: 88.456, memoryPercent: 12.5),
            TopProcess(pid: 1, user: "root", command: "/sbin/init", cpuPercent: 0.1, memoryPercent: 0.2),
        ]
        sample.containers = [
            ContainerInfo(
                name: hostileContainer, image: "nginx:1.27", state: "running", status: "Up 3 hours", exitCode: nil, restartCount: 0, cpuPercent: 1.25,
                memoryBytes: 52_428_800),
            ContainerInfo(name: "batch", image: "alpine:3", state: "exited", status: "Exited (1) 2 minutes ago", exitCode: 1, restartCount: 3),
            ContainerInfo(name: "worker", image: "busybox", state: "restarting"),
        ]
        sample.failedUnits = [hostileUnit, "backup.service"]
        return sample
    }

    /// Adds ``deep`` and ``bare`` to `database`, with ``SeededFleet`` first unless `fleet` is false (it is
    /// there already), keeping the servers of `alongside` in the inventory; returns every server's id.
    @discardableResult
    static func seed(_ database: Database, now: Date, fleet: Bool = true, alongside: [ServerConfig] = []) async throws -> [String: Int64] {
        if fleet { try await SeededFleet.seed(database, now: now) }
        var inventory = alongside.isEmpty ? SeededFleet.names.map { ServerConfig(name: $0, host: "127.0.0.1", username: "probe") } : alongside
        inventory.append(ServerConfig(name: deep, host: "127.0.0.5", username: "probe"))
        inventory.append(ServerConfig(name: bare, host: "127.0.0.6", username: "probe"))
        let ids = try await database.servers.sync(inventory: inventory)
        try await database.samples.store(deepSample(at: now.addingTimeInterval(-600)), serverID: ids[deep]!)
        try await database.samples.store(deepSample(at: now.addingTimeInterval(-30)), serverID: ids[deep]!)
        var empty = makeSample(at: now.addingTimeInterval(-30))
        empty.topProcesses = []
        empty.containers = []
        empty.failedUnits = []
        try await database.samples.store(empty, serverID: ids[bare]!)
        let events = [
            ChangeEvent(kind: .kernelChanged, at: now.addingTimeInterval(-3600), previous: "6.1.0-18-amd64", current: hostileKernel),
            ChangeEvent(kind: .reboot, at: now.addingTimeInterval(-7200), previous: "2026-01-01T00:00:00Z", current: "2026-01-02T00:00:00Z"),
            ChangeEvent(kind: .newUser, at: now.addingTimeInterval(-86_400), previous: nil, current: "mallory"),
            ChangeEvent(kind: .hostKeyChanged, at: now.addingTimeInterval(-10 * 86_400), previous: "SHA256:old", current: nil),
            // Outside the default 30-day window.
            ChangeEvent(kind: .osChanged, at: now.addingTimeInterval(-40 * 86_400), previous: "Debian 11", current: "Debian 12"),
        ]
        for event in events {
            try await database.changeEvents.record(event, serverID: ids[deep]!)
        }
        return ids
    }
}

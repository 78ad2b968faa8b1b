import DashboardCore
import DashboardStorage
import DashboardWire
import Foundation
import TestSupport
import Testing

@testable import FrontendRenderer

/// The server page's deeper sections (docs/dashboard.md, "Server page"): failed units, containers,
/// top processes, inode use and "What changed", with hostile host text escaped and a list the host
/// did not report told apart from an empty one.
@Suite(.tags(.postgres, .builtProducts)) struct DeeperServerPageTests {
    static let deep = "deep-08"
    static let bare = "bare-09"
    static let command = "<script>alert(1)</script> =1+1"
    static let container = "<img src=x onerror=alert(2)>"
    static let unit = "<b>bad</b>.service"
    static let kernel = "6.9<svg onload=alert(3)>"

    /// ``SeededFleet`` plus a server reporting everything (hostile) and one reporting empty lists.
    static func seed(_ test: TestDatabase) async throws {
        let now = Date()
        try await SeededFleet.seed(test.database, now: now)
        var inventory = SeededFleet.names.map { ServerConfig(name: $0, host: "127.0.0.1", username: "probe") }
        inventory += [ServerConfig(name: deep, host: "127.0.0.5", username: "probe"), ServerConfig(name: bare, host: "127.0.0.6", username: "probe")]
        let ids = try await test.database.servers.sync(inventory: inventory)
        var sample = makeSample(at: now.addingTimeInterval(-30))
        sample.filesystems[0].inodesTotal = 1_000
        sample.filesystems[0].inodesUsed = 250
        sample[.temperatureCelsius] = 64
        sample.topProcesses = [
            TopProcess(pid: 4242, user: "mallory", command: command, cpuPercent: 88.5, memoryPercent: 12.5),
            TopProcess(pid: 812, user: "postgres", command: "postgres: 16/main: checkpointer", cpuPercent: 12.25, memoryPercent: 4.5),
            TopProcess(pid: 1190, user: "www-data", command: "nginx: worker process", cpuPercent: 3.5, memoryPercent: 0.8),
        ]
        sample.containers = [
            ContainerInfo(name: container, image: "nginx:1.27", state: "running", status: "Up 3 hours", cpuPercent: 1.5, memoryBytes: 52_428_800),
            ContainerInfo(name: "batch", image: "alpine:3", state: "exited", status: "Exited (1) 2 minutes ago", exitCode: 1, restartCount: 3),
        ]
        sample.failedUnits = [unit, "backup.service"]
        try await test.database.samples.store(sample, serverID: ids[deep]!)
        var empty = makeSample(at: now.addingTimeInterval(-30))
        empty.topProcesses = []
        empty.containers = []
        empty.failedUnits = []
        try await test.database.samples.store(empty, serverID: ids[bare]!)
        try await test.database.changeEvents.record(
            ChangeEvent(kind: .kernelChanged, at: now.addingTimeInterval(-3600), previous: "6.1.0", current: kernel), serverID: ids[deep]!)
        try await test.database.changeEvents.record(ChangeEvent(kind: .newUser, at: now.addingTimeInterval(-7200), current: "mallory"), serverID: ids[deep]!)
    }

    @Test func theServerPageShowsEverySectionEscaped() async throws {
        try await RendererHarness.run(seed: Self.seed) { harness, client in
            let page = try await client.page("/servers/\(Self.deep)")
            #expect(page.status == .ok)
            let body = page.body
            for heading in ["failed-units-heading", "containers-heading", "processes-heading", "changes-heading"] {
                #expect(body.contains("<h2 id=\"\(heading)\">"), "\(heading)")
            }
            #expect(body.contains("<li><code>&lt;b&gt;bad&lt;/b&gt;.service</code></li>"))
            #expect(body.contains("<th scope=\"row\"><code>&lt;script&gt;alert(1)&lt;/script&gt; =1+1</code></th>"))
            #expect(body.contains("<th scope=\"row\">&lt;img src=x onerror=alert(2)&gt;</th>"))
            #expect(body.contains("<span class=\"st s-healthy\">running</span>"))
            #expect(
                body.contains("<span class=\"st s-critical\">exited</span> <span class=\"muted\">(exit 1)</span> <span class=\"muted\">(3 restarts)</span>"))
            #expect(body.contains("<caption class=\"defs\">The busiest processes of the latest sample, highest CPU first</caption>"))
            #expect(body.contains("<th scope=\"col\" class=\"n\">Inodes used</th>"))
            #expect(body.contains("25 % <span class=\"muted\">(250 of 1\u{202F}000)</span>"))
            #expect(body.contains("<b>Kernel changed</b>: <code>6.1.0</code> → <code>6.9&lt;svg onload=alert(3)&gt;</code>"))
            #expect(body.contains("<b>New user</b>: <code>mallory</code>"))
            // Newest first.
            let kernel = try #require(body.range(of: "Kernel changed")), user = try #require(body.range(of: "<b>New user</b>"))
            #expect(kernel.lowerBound < user.lowerBound)
            // The temperature row comes through the catalogue.
            #expect(body.contains("<th scope=\"row\">Temperature</th>"))
            for raw in ["<script>alert", "<img src=x", "<svg onload", "<b>bad"] { #expect(!body.contains(raw), "\(raw)") }

            let bare = try await client.page("/servers/\(Self.bare)")
            #expect(bare.body.contains("id=\"no-failed-units\"") && bare.body.contains("id=\"no-containers\"") && bare.body.contains("id=\"no-processes\""))
            #expect(bare.body.contains("id=\"no-changes\""))
            let old = try await client.page("/servers/\(SeededFleet.healthy)")
            #expect(old.body.contains("id=\"failed-units-unavailable\">Not available on this host"))
            #expect(old.body.contains("id=\"containers-unavailable\">Not available on this host"))
            #expect(old.body.contains("id=\"processes-unavailable\">Not available on this host"))
            // Never collected: no sample, so no sections to speak of.
            let never = try await client.page("/servers/\(SeededFleet.neverCollected)")
            #expect(never.status == .ok && !never.body.contains("failed-units-heading") && never.body.contains("id=\"no-changes\""))

            let history = try await client.page("/history?server=\(Self.deep)&range=1h")
            #expect(history.body.contains("id=\"chart-temperature\""))

            // scripts/browser-test.sh shows this very database in Chromium (Tests/Browser/deeper_test.py).
            if let file = ProcessInfo.processInfo.environment["SD_BROWSER_DEEPER_FILE"], !file.isEmpty {
                try Data((harness.test.url + "\n").utf8).write(to: URL(fileURLWithPath: file))
            }
        }
    }

    @Test func nullEmptyAndStaleListsReadDifferently() throws {
        #expect(ServerView.failedUnits(nil).description.contains("Not available on this host"))
        #expect(ServerView.failedUnits([]).description.contains("id=\"no-failed-units\">None"))
        #expect(ServerView.containers(nil, stale: false).description.contains("Not available on this host"))
        #expect(ServerView.containers(nil, stale: true).description.contains("Needs the database"))
        #expect(ServerView.containers([], stale: false).description.contains("No containers on this host."))
        #expect(ServerView.topProcesses([], stale: true).description.contains("id=\"no-processes\""))
        let dead = ContainerRecord(ContainerInfo(name: "x", image: "i", state: "dead"))
        let clean = ContainerRecord(ContainerInfo(name: "x", image: "i", state: "exited", exitCode: 0))
        let odd = ContainerRecord(ContainerInfo(name: "x", image: "i", state: "\"><script>"))
        #expect(ServerView.stateLevel(dead) == .critical && ServerView.stateLevel(clean) == .offline && ServerView.stateLevel(odd) == .offline)
        let table = ServerView.containers([odd], stale: false).description
        #expect(table.contains("<span class=\"st s-offline\">&quot;&gt;&lt;script&gt;</span>"))
        let event = ChangeEventRecord(kind: "<i>new</i>", at: Date(), previous: "a", current: nil)
        let timeline = ServerView.changeTimeline([event], now: Date()).description
        #expect(
            timeline.contains("data-kind=\"&lt;i&gt;new&lt;/i&gt;\"")
                && timeline.contains("<b>&lt;i&gt;new&lt;/i&gt;</b>: <code>a</code> → <span class=\"muted\">none</span>"))
    }
}

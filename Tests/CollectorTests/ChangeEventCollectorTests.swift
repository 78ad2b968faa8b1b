import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

@testable import Collector

/// Change events (docs/collector.md, "Change events") from consecutive real samples: the real
/// collector runs the real probe on an sshd test host, steered by a wrapper that rewrites the
/// kernel, the OS name, the boot time (through the uptime) and adds a user to its output.
@Suite(.tags(.postgres, .sshHosts)) struct ChangeEventCollectorTests {
    /// A user name with markup, quotes and an ampersand (no tab, newline, backslash or `'`).
    static let hostileUser = "dave<b>&\"x"

    /// The real probe in a subshell, its output rewritten: `kernel=` and `name=` of the os
    /// section, the uptime so that the host booted at `boot` (epoch seconds, by the host's
    /// clock), and `user` added to the users section.
    static func steered(kernel: String = "", os: String = "", boot: Int? = nil, user: String = "") -> [UInt8] {
        let probe = String(decoding: ProbeScript.bytes, as: UTF8.self)
        let rewrite = """
            /^@@sd:/ { sec = $0; print; if (sec == "@@sd:users" && user != "") printf "%s\\t1.00\\t0.50\\t1\\tsh\\n", user; next }
            sec == "@@sd:os" && kernel != "" && /^kernel=/ { print "kernel=" kernel; next }
            sec == "@@sd:os" && os != "" && /^name=/ { print "name=" os; next }
            sec == "@@sd:uptime" && boot != "" && !done { "date +%s" | getline now; printf "%d.00 %s\\n", now - boot, $2; done = 1; next }
            { print }
            """
        let script = "(\n\(probe)\n) | awk -v kernel='\(kernel)' -v os='\(os)' -v boot='\(boot.map(String.init) ?? "")' -v user='\(user)' '\(rewrite)'\n"
        return Array(script.utf8)
    }

    /// The server's events, oldest first. `new_user` events count only for `plantedUser`: the
    /// test host is this machine, whose other users (other suites' processes, services) come
    /// and go in the probe's per-user rows while the tests run.
    static func events(_ harness: CollectorHarness, _ name: String, plantedUser: String? = nil) async throws -> [ChangeEvent] {
        let now = Date()
        return try await harness.test.database.changeEvents.list(serverNamed: name, from: now.addingTimeInterval(-3_600), to: now.addingTimeInterval(60))
            .reversed()
            .filter { $0.kind != .newUser || $0.current == plantedUser }
    }

    /// Runs one collection of `server` with `script`; the run must store its sample.
    static func collect(_ harness: CollectorHarness, _ server: ServerConfig, _ script: [UInt8]) async throws {
        let report = try await harness.run([server], script: script)
        #expect(harness.line(report, server.name)?.outcome == "ok", "\(report.servers)")
    }

    @Test func consecutiveSamplesRecordRebootKernelOSAndNewUserOnce() async throws {
        let harness = try await CollectorHarness.make()
        let server = harness.server("changes", host: 7)
        try await Self.collect(harness, server, Self.steered())
        try await Self.collect(harness, server, Self.steered())
        // The first sample seeds the known users silently; an unchanged host shows nothing.
        #expect(try await Self.events(harness, "changes", plantedUser: Self.hostileUser).isEmpty)
        #expect(try await harness.count("SELECT count(*) AS n FROM known_users") > 0)
        let realKernel = try #require(try await harness.test.database.servers.named("changes")?.kernel)
        let realOS = try #require(try await harness.test.database.servers.named("changes")?.osName)

        try await Self.collect(harness, server, Self.steered(user: Self.hostileUser))
        let boot = Int(Date().timeIntervalSince1970) - 100
        let changed = Self.steered(kernel: "6.99.0-test", os: "Debian GNU/Linux 13 (trixie)", boot: boot, user: Self.hostileUser)
        try await Self.collect(harness, server, changed)
        // Same boot time, kernel, OS and users again: nothing new.
        try await Self.collect(harness, server, changed)

        let events = try await Self.events(harness, "changes", plantedUser: Self.hostileUser)
        #expect(events.map(\.kind) == [.newUser, .reboot, .kernelChanged, .osChanged], "\(events)")
        guard events.count == 4 else { return }
        #expect(events[0].current == Self.hostileUser && events[0].previous == nil)
        // The boot time as the collector works it out (its clock when the attempt started − uptime): within 2 s.
        let near = (boot - 2...boot + 2).map { ChangeDetector.bootText(Date(timeIntervalSince1970: Double($0))) }
        #expect(near.contains(events[1].current ?? ""), "\(events[1])")
        #expect(events[1].previous != nil)
        #expect(events[2].previous == realKernel && events[2].current == "6.99.0-test")
        #expect(events[3].previous == realOS && events[3].current == "Debian GNU/Linux 13 (trixie)")
        // Stamped with the sample that showed them.
        let sampleTimes = try await harness.test.database.pool.query("SELECT collected_at FROM server_metrics ORDER BY collected_at").rows.map {
            try $0.require("collected_at", as: Date.self)
        }
        #expect(events.map(\.at) == [sampleTimes[2], sampleTimes[3], sampleTimes[3], sampleTimes[3]])
    }

    @Test func aReplayedSpoolRecordsTheSameEventsInOrder() async throws {
        let harness = try await CollectorHarness.make()
        let server = harness.server("replayed", host: 8)
        try await Self.collect(harness, server, Self.steered())
        // PostgreSQL away for two runs: a new kernel, then a reboot with a new user.
        let boot = Int(Date().timeIntervalSince1970) - 100
        let scripts = [Self.steered(kernel: "6.99.0-test"), Self.steered(kernel: "6.99.0-test", boot: boot, user: "erin")]
        for script in scripts {
            let report = try await harness.coordinator(script: script).runWithoutDatabase(
                inventory: Inventory(servers: [server], problems: []), shard: nil, stop: StopSignal(), unavailable: "test: the database is away"
            ) { _ in }
            #expect(report.spooled == 1)
        }
        #expect(try await Self.events(harness, "replayed", plantedUser: "erin").isEmpty)
        // Back: the spool is stored first, in order, then this run's sample (unchanged since).
        try await Self.collect(harness, server, Self.steered(kernel: "6.99.0-test", boot: boot, user: "erin"))
        let events = try await Self.events(harness, "replayed", plantedUser: "erin")
        #expect(events.map(\.kind) == [.kernelChanged, .reboot, .newUser], "\(events)")
        #expect(events.last?.current == "erin")
        let sampleTimes = try await harness.test.database.pool.query("SELECT collected_at FROM server_metrics ORDER BY collected_at").rows.map {
            try $0.require("collected_at", as: Date.self)
        }
        #expect(sampleTimes.count == 4)
        if sampleTimes.count == 4 {
            #expect(events.map(\.at) == [sampleTimes[1], sampleTimes[2], sampleTimes[2]])
        }
        // Replaying is exactly once: the events are not recorded again.
        try await Self.collect(harness, server, Self.steered(kernel: "6.99.0-test", boot: boot, user: "erin"))
        #expect(try await Self.events(harness, "replayed", plantedUser: "erin").count == 3)
    }

    @Test func aChangedHostKeyIsRecordedOnceWhileRefusedAndAnUnknownOneNever() async throws {
        let harness = try await CollectorHarness.make()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let wrongKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5vdC10aGUtcmVhbC1rZXktMDEyMzQ1Njc4OWFiY2RlZmdoaWo="
        let wrong = try folder.file("known_hosts", contents: "\(harness.hosts.knownHostsName(9)) \(wrongKey)\n")
        let empty = try folder.file("empty_known_hosts", contents: "")
        let server = harness.server("rekeyed", host: 9)
        let unknown = try await harness.run([server], settings: try harness.settings(["KNOWN_HOSTS_FILE": empty]))
        #expect(harness.line(unknown, "rekeyed")?.failureKind == "host_key")
        #expect(try await Self.events(harness, "rekeyed").isEmpty)

        for _ in 0..<2 {
            let refused = try await harness.run([server], settings: try harness.settings(["KNOWN_HOSTS_FILE": wrong]))
            #expect(harness.line(refused, "rekeyed")?.failureKind == "host_key")
        }
        var events = try await Self.events(harness, "rekeyed")
        #expect(events.map(\.kind) == [.hostKeyChanged])
        #expect(events.first?.current?.hasPrefix("SHA256:") == true, "\(events)")

        // Trusted again and collected; a later change is a new event.
        let ok = try await harness.run([server])
        #expect(harness.line(ok, "rekeyed")?.outcome == "ok")
        _ = try await harness.run([server], settings: try harness.settings(["KNOWN_HOSTS_FILE": wrong]))
        events = try await Self.events(harness, "rekeyed")
        #expect(events.map(\.kind) == [.hostKeyChanged, .hostKeyChanged])
    }

    @Test func theDetectorComparesBootTimesKernelsAndOSes() {
        let at = Date(timeIntervalSince1970: 1_764_000_000)
        var sample = MetricSample(collectedAt: at, uptimeSeconds: 1_000, osName: "B", kernel: "2")
        let previous = StoredSample.Previous(collectedAt: at.addingTimeInterval(-300), uptimeSeconds: 700 + 90, osName: "A", kernel: "1")
        // The boot time moved by 90 s: within the tolerance.
        var events = ChangeDetector.events(between: StoredSample(id: 1, previous: previous, newUsers: ["u"]), and: sample)
        #expect(events.map(\.kind) == [.kernelChanged, .osChanged, .newUser])
        sample.uptimeSeconds = 1_000 - 200
        events = ChangeDetector.events(between: StoredSample(id: 1, previous: previous, newUsers: []), and: sample)
        #expect(events.first?.kind == .reboot)
        // The first sample and a sample older than the latest show no host changes.
        #expect(ChangeDetector.events(between: StoredSample(id: 1, previous: nil, newUsers: ["u"]), and: sample).isEmpty)
        let newer = StoredSample.Previous(collectedAt: at.addingTimeInterval(60), uptimeSeconds: 1, osName: "A", kernel: "1")
        #expect(ChangeDetector.events(between: StoredSample(id: 1, previous: newer, newUsers: []), and: sample).isEmpty)
        // Unknown values on either side are no change.
        sample.kernel = nil
        sample.osName = nil
        sample.uptimeSeconds = nil
        #expect(ChangeDetector.events(between: StoredSample(id: 1, previous: previous, newUsers: []), and: sample).isEmpty)
        #expect(ChangeDetector.fingerprint(in: "host: key SHA256:Ab+/9x= does not match") == "SHA256:Ab+/9x=")
        #expect(ChangeDetector.fingerprint(in: "no key here") == nil)
    }
}

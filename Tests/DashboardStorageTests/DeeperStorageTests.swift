import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// Hostile host text: SQL, array-literal and JSON metacharacters, control and bidi characters.
let hostileText = "x\"; DROP TABLE servers; -- {a,b} NULL \\ 'q' <script>é\u{202E}"

/// A sample with every deeper field (processes, containers, failed units, inodes, temperature).
func makeDeeperSample(at date: Date, processes: Int = 3, containers: Int = 2, units: [String]? = ["nginx.service", "NULL", "a,b\"c"]) -> MetricSample {
    var sample = makeSample(at: date)
    sample.filesystems[0].inodesTotal = 1_000
    sample.filesystems[0].inodesUsed = 900
    sample.filesystems[1].inodesTotal = 0
    sample.topProcesses = (0..<processes).map {
        TopProcess(
            pid: 100 + $0, user: $0 == 0 ? hostileText : "user\($0)", command: "cmd \($0) \(hostileText)", cpuPercent: 90 - Double($0),
            memoryPercent: 1.5)
    }
    sample.containers = (0..<containers).map {
        ContainerInfo(
            name: $0 == 0 ? hostileText : "c\($0)", image: "img:\($0)", state: $0 == 0 ? "running" : "exited", status: $0 == 0 ? "Up 3 hours" : nil,
            exitCode: $0 == 0 ? nil : 137, restartCount: $0, cpuPercent: $0 == 0 ? 2.5 : nil, memoryBytes: $0 == 0 ? 52_428_800 : nil)
    }
    sample.failedUnits = units
    sample[.temperatureCelsius] = 61.5
    return sample
}

@Suite(.tags(.postgres)) struct DeeperStorageTests {
    @Test func processesContainersUnitsAndInodesRoundTripWithHostileText() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let sample = makeDeeperSample(at: Date(timeIntervalSince1970: 1_764_000_000))
        #expect(try await test.database.samples.store(sample, serverID: serverID) != nil)

        let latest = try #require(try await test.database.metrics.latest(serverNamed: "srv-000")?.latest)
        #expect(latest.topProcesses == sample.topProcesses.map { $0.map(Self.cleaned) })
        #expect(latest.topProcesses?.map(\.pid) == [100, 101, 102])
        #expect(latest.containers?.map(\.name).sorted() == sample.containers?.map { HostText.clean($0.name, maximumBytes: 200).text }.sorted())
        let exited = try #require(latest.containers?.first { $0.name == "c1" })
        #expect(exited == ContainerInfo(name: "c1", image: "img:1", state: "exited", exitCode: 137, restartCount: 1))
        #expect(latest.failedUnits == ["nginx.service", "NULL", "a,b\"c"])
        #expect(latest[.temperatureCelsius] == 61.5)
        #expect(Self.inodes(latest) == 90)
        let root = try #require(latest.filesystems.first { $0.mountPoint == "/" })
        #expect(root.inodesTotal == 1_000 && root.inodesUsed == 900 && root.inodesPercent == 90)
        #expect(latest.filesystems.first { $0.mountPoint != "/" }?.inodesPercent == nil)

        // The fleet read carries failed units and the figures, not the per-sample lists.
        let fleet = try #require(try await test.database.metrics.latest().first?.latest)
        #expect(fleet.failedUnits == ["nginx.service", "NULL", "a,b\"c"])
        #expect(fleet[.temperatureCelsius] == 61.5)
        #expect(Self.inodes(fleet) == 90)
        #expect(fleet.topProcesses == nil && fleet.containers == nil)
        #expect(try await test.database.servers.named("srv-000") != nil)
    }

    @Test func absentListsStayNilAndEmptyListsStayEmpty() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(2)["srv-000"])
        var sample = makeDeeperSample(at: Date(timeIntervalSince1970: 1_764_000_000), processes: 0, containers: 0, units: nil)
        sample.containers = nil
        sample[.temperatureCelsius] = nil
        try await test.database.samples.store(sample, serverID: serverID)
        let latest = try #require(try await test.database.metrics.latest(serverNamed: "srv-000")?.latest)
        #expect(latest.topProcesses == [])
        #expect(latest.containers == nil)
        #expect(latest.failedUnits == nil)
        #expect(latest[.temperatureCelsius] == nil)
        // A server never collected reads as before.
        #expect(try await test.database.metrics.latest(serverNamed: "srv-001")?.latest == nil)
    }

    @Test func listsAreBoundedAgainWhenStored() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        var sample = makeDeeperSample(at: Date(timeIntervalSince1970: 1_764_000_000), processes: 15, containers: 60)
        sample.failedUnits = (0..<120).map { "unit-\($0)-" + String(repeating: "é", count: 200) }
        sample.topProcesses?[1].command = String(repeating: "a", count: 5_000)
        sample.containers?[1].state = "on fire"
        sample.topProcesses?[2].cpuPercent = .nan
        sample.topProcesses?[3].memoryPercent = .infinity
        try await test.database.samples.store(sample, serverID: serverID)
        let latest = try #require(try await test.database.metrics.latest(serverNamed: "srv-000")?.latest)
        #expect(latest.topProcesses?.count == TopProcess.maximumCount)
        #expect(latest.topProcesses?[1].command.utf8.count == TopProcess.maximumCommandBytes)
        #expect(latest.topProcesses?[2].cpuPercent == 0 && latest.topProcesses?[3].memoryPercent == 0)
        #expect(latest.containers?.count == ContainerInfo.maximumCount)
        #expect(latest.containers?.first { $0.name == "c1" }?.state == "unknown")
        #expect(latest.failedUnits?.count == MetricSample.maximumFailedUnits)
        #expect(latest.failedUnits?.allSatisfy { $0.utf8.count <= MetricSample.maximumUnitNameBytes } == true)
        #expect(try await test.count("sample_processes") == 10)
        #expect(try await test.count("sample_containers") == 50)
    }

    @Test func storeNotingTellsThePreviousSampleAndNewUsers() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let first = makeDeeperSample(at: Date(timeIntervalSince1970: 1_764_000_000))
        let stored = try #require(try await test.database.samples.storeNoting(first, serverID: serverID))
        #expect(stored.previous == nil)
        #expect(stored.newUsers == ["alice", "bob"])
        var second = makeDeeperSample(at: Date(timeIntervalSince1970: 1_764_000_300))
        second.kernel = "6.1.0-20-amd64"
        second.users.append(UserActivity(username: hostileText, cpuPercent: 1, memoryPercent: 1, processCount: 1))
        let next = try #require(try await test.database.samples.storeNoting(second, serverID: serverID))
        #expect(next.previous?.collectedAt == first.collectedAt)
        #expect(next.previous?.kernel == "6.1.0-18-amd64")
        #expect(next.previous?.uptimeSeconds == first.uptimeSeconds)
        #expect(next.newUsers == [hostileText])
        #expect(try await test.database.samples.storeNoting(second, serverID: serverID) == nil)
        #expect(try await test.count("known_users") == 3)
    }

    @Test func retentionRemovesOldProcessesContainersAndEventsButKeepsTheLatestSamplesRows() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        for days in [20.0, 10, 3, 0] {
            try await test.database.samples.store(makeDeeperSample(at: now.addingTimeInterval(-days * 86_400)), serverID: serverID)
        }
        try await test.database.changeEvents.record(
            [
                ChangeEvent(kind: .reboot, at: now.addingTimeInterval(-20 * 86_400)),
                ChangeEvent(kind: .newUser, at: now.addingTimeInterval(-86_400), current: "carol"),
            ], serverID: serverID)
        let report = try await test.database.retention.deleteOldData(
            olderThan: now.addingTimeInterval(-15 * 86_400), topUsersOlderThan: now.addingTimeInterval(-7 * 86_400))
        #expect(report.processes == 6 && report.containers == 4)  // the samples 20 and 10 days old
        #expect(report.changeEvents == 1)
        #expect(report.samples == 1)
        #expect(try await test.count("sample_processes") == 6)
        #expect(try await test.count("sample_containers") == 4)
        #expect(
            try await test.database.changeEvents.list(serverNamed: "srv-000", from: now.addingTimeInterval(-30 * 86_400), to: now).map(\.kind) == [.newUser])
        #expect(try await test.count("known_users") == 2)

        // The latest sample keeps its rows however old.
        let kept = try await test.database.retention.deleteOldData(olderThan: now.addingTimeInterval(86_400), topUsersOlderThan: now.addingTimeInterval(86_400))
        #expect(kept.processes == 3 && kept.containers == 2)
        #expect(try await test.database.metrics.latest(serverNamed: "srv-000")?.latest?.topProcesses?.count == 3)

        // A cleanup records the new counts.
        try await test.database.changeEvents.record(ChangeEvent(kind: .reboot, at: now), serverID: serverID)
        let outcome = try await test.database.retention.cleanUp(
            trigger: .manual, retentionDays: 90, topUsersRetentionDays: 7, onlyIfDue: false, now: now.addingTimeInterval(365 * 86_400))
        guard case .cleaned(let record) = outcome else {
            Issue.record("no cleanup: \(outcome)")
            return
        }
        #expect(record.removed.changeEvents == 1 && record.removed.processes == 0)
    }

    @Test func rowsGoWithTheirSampleAndEventsAndKnownUsersWithTheirServer() async throws {
        let test = try await TestDatabase.make()
        let ids = try await test.addServers(2)
        let serverID = try #require(ids["srv-000"])
        let sampleID = try #require(try await test.database.samples.store(makeDeeperSample(at: Date(timeIntervalSince1970: 1_764_000_000)), serverID: serverID))
        try await test.database.samples.store(makeDeeperSample(at: Date(timeIntervalSince1970: 1_764_000_000)), serverID: try #require(ids["srv-001"]))
        try await test.database.changeEvents.record(ChangeEvent(kind: .reboot, at: Date(timeIntervalSince1970: 1_764_000_000)), serverID: serverID)
        try await test.database.pool.query("UPDATE servers SET latest_sample_id = NULL WHERE id = \(serverID)")
        try await test.database.pool.query("DELETE FROM server_metrics WHERE id = \(sampleID)")
        #expect(try await test.count("sample_processes") == 3)
        #expect(try await test.count("sample_containers") == 2)
        try await test.database.pool.query("DELETE FROM filesystems WHERE server_id = \(serverID)")
        try await test.database.pool.query("DELETE FROM top_users WHERE server_id = \(serverID)")
        try await test.database.pool.query("DELETE FROM servers WHERE id = \(serverID)")
        #expect(try await test.count("change_events") == 0)
        #expect(try await test.count("known_users") == 2)  // srv-001's
    }

    @Test func changeEventsListNewestFirstWithinTheWindowAndLimit() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let base = Date(timeIntervalSince1970: 1_764_000_000)
        let events = (0..<5).map { ChangeEvent(kind: .newUser, at: base.addingTimeInterval(Double($0) * 60), current: "\(hostileText)\($0)") }
        try await test.database.changeEvents.record(events, serverID: serverID)
        try await test.database.changeEvents.record(
            ChangeEvent(kind: .kernelChanged, at: base.addingTimeInterval(600), previous: String(repeating: "k", count: 1_000), current: "6.2"),
            serverID: serverID)
        let all = try await test.database.changeEvents.list(serverNamed: "srv-000", from: base, to: base.addingTimeInterval(3_600))
        #expect(all.map(\.kind) == [.kernelChanged, .newUser, .newUser, .newUser, .newUser, .newUser])
        #expect(all[0].previous?.utf8.count == ChangeEvent.maximumValueBytes)
        #expect(all[1].current == HostText.clean("\(hostileText)4", maximumBytes: ChangeEvent.maximumValueBytes).text)
        let window = try await test.database.changeEvents.list(
            serverNamed: "srv-000", from: base.addingTimeInterval(60), to: base.addingTimeInterval(180), limit: 2)
        #expect(window.map(\.at) == [base.addingTimeInterval(180), base.addingTimeInterval(120)])
        #expect(try await test.database.changeEvents.list(serverNamed: "nope", from: base, to: base.addingTimeInterval(3_600)).isEmpty)
    }

    @Test func aChangedHostKeyIsRecordedOncePerChange() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let base = Date(timeIntervalSince1970: 1_764_000_000)
        #expect(try await test.database.changeEvents.recordHostKeyChange(serverID: serverID, at: base, fingerprint: "SHA256:abc"))
        #expect(try await !test.database.changeEvents.recordHostKeyChange(serverID: serverID, at: base.addingTimeInterval(300), fingerprint: "SHA256:abc"))
        // Trusted again and collected: the next change is a new event.
        try await test.database.samples.store(makeDeeperSample(at: base.addingTimeInterval(600)), serverID: serverID)
        #expect(try await test.database.changeEvents.recordHostKeyChange(serverID: serverID, at: base.addingTimeInterval(900), fingerprint: nil))
        let events = try await test.database.changeEvents.list(serverNamed: "srv-000", from: base, to: base.addingTimeInterval(3_600))
        #expect(events.map(\.current) == [nil, "SHA256:abc"])
    }

    @Test func historyKeepsTemperatureAndInodesFromSamplesAndTheRollup() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let hour = Date(timeIntervalSince1970: Double(1_764_000_000 - 1_764_000_000 % 3_600))
        for (minute, celsius) in [(5.0, 50.0), (35, 70)] {
            var sample = makeDeeperSample(at: hour.addingTimeInterval(minute * 60))
            sample[.temperatureCelsius] = celsius
            try await test.database.samples.store(sample, serverID: serverID)
        }
        for step in [300, 3_600] {
            let buckets = try await test.database.metrics.history(serverID: serverID, from: hour, to: hour.addingTimeInterval(3_600), step: step)
            let temperatures = buckets.compactMap { $0[.temperatureCelsius].max }
            #expect(temperatures.max() == 70, "step \(step)")
            #expect(buckets.allSatisfy { $0[.inodesPercent].max == 90 }, "step \(step)")
            if step == 3_600 { #expect(buckets.first?[.temperatureCelsius].avg == 60) }
        }
    }

    /// The inode figure as every reader works it out (a derived figure, stored for history).
    static func inodes(_ sample: MetricSample) -> Double? {
        MetricCatalogue.descriptor(.inodesPercent)?.value(in: sample)
    }

    static func cleaned(_ process: TopProcess) -> TopProcess {
        var process = process
        process.user = HostText.clean(process.user, maximumBytes: TopProcess.maximumUserBytes).text
        process.command = HostText.clean(process.command, maximumBytes: TopProcess.maximumCommandBytes).text
        return process
    }
}

extension TestDatabase {
    /// The number of rows in `table` (a fixed name from the test).
    func count(_ table: String) async throws -> Int {
        try await database.pool.query("SELECT count(*) AS n FROM \(unsafeRaw: table)").first?.require("n") ?? -1
    }
}

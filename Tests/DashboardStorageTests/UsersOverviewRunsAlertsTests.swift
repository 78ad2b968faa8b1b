import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

@Suite(.tags(.postgres)) struct UsersOverviewRunsAlertsTests {
    /// Two servers with different users; returns the time of their samples.
    private func seedUsers(_ test: TestDatabase) async throws -> Date {
        let ids = try await test.addServers(2)
        let at = Date()
        var first = makeSample(at: at)
        first.users = [
            UserActivity(username: "alice", cpuPercent: 50, memoryPercent: 5, processCount: 4, topProcess: "python3", homeBytes: 300),
            UserActivity(username: "bob", cpuPercent: 10, memoryPercent: 30, processCount: 9, topProcess: "java", homeBytes: 100),
        ]
        var second = makeSample(at: at)
        second.users = [
            UserActivity(username: "Alicia", cpuPercent: 70, memoryPercent: 1, processCount: 1, topProcess: "rsync", homeBytes: nil),
            UserActivity(username: "carol_%", cpuPercent: 0, memoryPercent: 2, processCount: 2, topProcess: "bash", homeBytes: 200),
        ]
        try await test.database.samples.store(first, serverID: ids["srv-000"]!)
        try await test.database.samples.store(second, serverID: ids["srv-001"]!)
        return at
    }

    @Test func topUsersSortFilterAndLimit() async throws {
        let test = try await TestDatabase.make()
        _ = try await seedUsers(test)
        let users = test.database.users
        #expect(try await users.top().map(\.username) == ["Alicia", "alice", "bob", "carol_%"])
        #expect(try await users.top(TopUsersQuery(sort: .mem)).map(\.username) == ["bob", "alice", "carol_%", "Alicia"])
        #expect(try await users.top(TopUsersQuery(sort: .username, descending: false)).map(\.username) == ["alice", "Alicia", "bob", "carol_%"])
        #expect(try await users.top(TopUsersQuery(sort: .disk)).map(\.username) == ["alice", "carol_%", "bob", "Alicia"])
        #expect(try await users.top(TopUsersQuery(server: "srv-000")).map(\.username) == ["alice", "bob"])
        #expect(try await users.top(TopUsersQuery(server: "no-such-server")).isEmpty)
        #expect(try await users.top(TopUsersQuery(search: "ALI")).map(\.username) == ["Alicia", "alice"])
        // The search is literal: % and _ are not wildcards.
        #expect(try await users.top(TopUsersQuery(search: "%")).map(\.username) == ["carol_%"])
        #expect(try await users.top(TopUsersQuery(search: "_")).map(\.username) == ["carol_%"])
        #expect(try await users.top(TopUsersQuery(limit: 2)).count == 2)
        #expect(TopUsersQuery(limit: 10_000_000).limit == TopUsersQuery.maximumLimit)
        #expect(TopUsersQuery(limit: -5).limit == 1)
        #expect(try await users.top(TopUsersQuery(since: Date().addingTimeInterval(3600))).isEmpty)
    }

    @Test func overviewCountsAveragesUsersAndAlerts() async throws {
        let test = try await TestDatabase.make()
        let at = try await seedUsers(test)
        let ids = try await test.database.servers.sync(
            inventory: ["srv-000", "srv-001", "srv-002"].map {
                ServerConfig(name: $0, host: "h", username: "u", password: Secret("p"))
            })
        try await test.database.servers.recordFailure(
            serverID: ids["srv-002"]!, failure: CollectionFailure(kind: .refused, message: "connection refused"), at: at)
        try await test.database.alerts.open(
            serverID: ids["srv-002"]!, type: .offline, severity: .critical, message: "srv-002 is offline: connection refused", value: nil, at: at)
        let overview = try await test.database.overview(classifier: StatusClassifier(), now: at.addingTimeInterval(60))
        #expect(overview.totalServers == 3)
        #expect(overview.onlineServers == 2)
        #expect(overview.offlineServers == 1)
        #expect(overview.avgCPU == 12.5)
        #expect(overview.avgRAM == 75)
        #expect(overview.avgDisk == 40)
        #expect(overview.totalUsers == 4)
        #expect(
            overview.alerts == [
                Overview.AlertSummary(server: "srv-002", type: "critical", metric: "offline", message: "srv-002 is offline: connection refused")
            ])

        // Much later every server is stale, hence offline.
        let later = try await test.database.overview(classifier: StatusClassifier(), now: at.addingTimeInterval(3 * 3600))
        #expect(later.onlineServers == 0)
        #expect(later.avgCPU == 0)
        #expect(later.totalUsers == 0)
    }

    @Test func failureThenSuccessClearsTheLastError() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        try await test.database.servers.recordFailure(serverID: serverID, failure: CollectionFailure(kind: .hostKey, message: "host key changed"), at: t0)
        var server = try #require(try await test.database.servers.named("srv-000"))
        #expect(server.lastError == CollectionFailure(kind: .hostKey, message: "host key changed"))
        #expect(server.lastAttemptAt == t0)
        try await test.database.samples.store(makeSample(at: t0.addingTimeInterval(900)), serverID: serverID)
        server = try #require(try await test.database.servers.named("srv-000"))
        #expect(server.lastError == nil)
        #expect(server.lastAttemptAt == t0.addingTimeInterval(900))
    }

    @Test func runsRecordOutcomesAndCounts() async throws {
        let test = try await TestDatabase.make()
        let ids = try await test.addServers(2)
        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        let runID = try await test.database.runs.start(at: t0, serversTotal: 3, shard: "1/2", collectorHost: "collector-1")
        try await test.database.runs.record(
            ServerOutcome(serverName: "srv-000", failure: nil, attempts: 1, durationMilliseconds: 812, finishedAt: t0.addingTimeInterval(1)), runID: runID,
            serverID: ids["srv-000"])
        try await test.database.runs.record(
            ServerOutcome(
                serverName: "srv-001", failure: CollectionFailure(kind: .timeout, message: "no answer within 30 s"), attempts: 3, durationMilliseconds: 30_100,
                finishedAt: t0.addingTimeInterval(31)), runID: runID, serverID: ids["srv-001"])
        try await test.database.runs.record(
            ServerOutcome(
                serverName: "gone", failure: CollectionFailure(kind: .auth, message: "auth failed"), attempts: 1, durationMilliseconds: 5,
                finishedAt: t0.addingTimeInterval(2)), runID: runID, serverID: nil)
        try await test.database.runs.finish(runID: runID, at: t0.addingTimeInterval(32), state: .completed)

        let runs = try await test.database.runs.recent()
        #expect(
            runs == [
                CollectionRun(id: runID, startedAt: t0, finishedAt: t0.addingTimeInterval(32), state: .completed, serversTotal: 3, okCount: 1, failedCount: 2)
            ])
        let outcomes = try await test.database.runs.outcomes(runID: runID)
        #expect(outcomes.map(\.serverName) == ["gone", "srv-000", "srv-001"])
        #expect(outcomes[2].failure?.kind == .timeout)
        #expect(outcomes[2].attempts == 3)
        let failures = try await test.database.runs.recentFailures(serverID: ids["srv-001"]!)
        #expect(failures.map(\.failure?.message) == ["no answer within 30 s"])
    }

    @Test func oneOpenAlertPerServerAndType() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        let alerts = test.database.alerts
        #expect(try await alerts.open(serverID: serverID, type: .cpu, severity: .warning, message: "CPU 75%", value: 75, at: t0))
        #expect(
            try await alerts.open(serverID: serverID, type: .cpu, severity: .critical, message: "CPU 95%", value: 95, at: t0.addingTimeInterval(900)) == false)
        #expect(try await alerts.open(serverID: serverID, type: .disk, severity: .warning, message: "disk 85%", value: 85, at: t0))
        var active = try await alerts.list(.active)
        #expect(active.count == 2)
        #expect(active.first { $0.type == .cpu }?.severity == .critical)
        #expect(active.first { $0.type == .cpu }?.openedAt == t0)

        #expect(try await alerts.resolve(serverID: serverID, type: .cpu, at: t0.addingTimeInterval(1800)))
        #expect(try await alerts.resolve(serverID: serverID, type: .cpu, at: t0.addingTimeInterval(1800)) == false)
        active = try await alerts.list(.active)
        #expect(active.map(\.type) == [.disk])
        let resolved = try await alerts.list(.resolved)
        #expect(resolved.map(\.type) == [.cpu])
        #expect(resolved.first?.resolvedAt == t0.addingTimeInterval(1800))
        // A new breach after resolution opens a new alert.
        #expect(try await alerts.open(serverID: serverID, type: .cpu, severity: .warning, message: "CPU 72%", value: 72, at: t0.addingTimeInterval(2700)))
        #expect(try await alerts.list(.all).count == 3)
    }
}

@Suite(.tags(.postgres)) struct AlertDecisionTests {
    @Test func applyingDecisionsOpensUpdatesAndResolvesInOneGo() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        let alerts = test.database.alerts
        let opened = try await alerts.apply(
            [
                .open(.cpu, .warning, message: "CPU 75%", value: 75), .open(.offline, .critical, message: "offline", value: nil), .resolve(.disk),
            ], serverID: serverID, at: t0)
        #expect(Set(opened) == [.cpu, .offline])
        let again = try await alerts.apply(
            [
                .open(.cpu, .critical, message: "CPU 95%", value: 95), .resolve(.offline), .resolve(.hostKey),
            ], serverID: serverID, at: t0.addingTimeInterval(900))
        #expect(again.isEmpty)
        let active = try await alerts.list(.active)
        #expect(active.map(\.type) == [.cpu])
        #expect(active.first?.severity == .critical && active.first?.message == "CPU 95%" && active.first?.openedAt == t0)
        #expect(try await alerts.list(.resolved).map(\.type) == [.offline])
        #expect(try await alerts.apply([], serverID: serverID, at: t0).isEmpty)
    }

    @Test func olderDecisionsNeverMoveAnAlertBack() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        let alerts = test.database.alerts
        try await alerts.apply([.open(.offline, .critical, message: "offline at t0+30m", value: nil)], serverID: serverID, at: t0.addingTimeInterval(1800))
        try await alerts.apply([.open(.cpu, .critical, message: "CPU 95%", value: 95)], serverID: serverID, at: t0.addingTimeInterval(1800))
        // A sample from before both (a replayed one): it must not resolve the offline alert
        // before it opened, nor put its older CPU figure on the open CPU alert.
        try await alerts.apply(
            [.resolve(.offline), .open(.cpu, .warning, message: "CPU 75%", value: 75)], serverID: serverID, at: t0.addingTimeInterval(900))
        let active = try await alerts.list(.active).sorted { $0.type.rawValue < $1.type.rawValue }
        #expect(active.map(\.type) == [.cpu, .offline])
        #expect(active.first?.message == "CPU 95%" && active.first?.severity == .critical)
        #expect(try await alerts.list(.resolved).isEmpty)
        // A newer decision still resolves and updates as before.
        try await alerts.apply(
            [.resolve(.offline), .open(.cpu, .warning, message: "CPU 75%", value: 75)], serverID: serverID, at: t0.addingTimeInterval(2700))
        #expect(try await alerts.list(.active).map(\.message) == ["CPU 75%"])
        #expect(try await alerts.list(.resolved).first?.resolvedAt == t0.addingTimeInterval(2700))
    }
}

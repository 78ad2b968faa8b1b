import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

@Suite(.tags(.postgres)) struct SampleStorageTests {
    @Test func everyFieldRoundTrips() async throws {
        let test = try await TestDatabase.make()
        let ids = try await test.addServers(1)
        let serverID = try #require(ids["srv-000"])
        let at = Date(timeIntervalSince1970: 1_764_084_313.123456)
        let sample = makeSample(at: at)
        let stored = try await test.database.samples.store(sample, serverID: serverID)
        #expect(stored != nil)

        let snapshot = try #require(try await test.database.metrics.latest(serverNamed: "srv-000"))
        let latest = try #require(snapshot.latest)
        #expect(abs(latest.collectedAt.timeIntervalSince1970 - at.timeIntervalSince1970) < 0.000_002)
        var expected = sample
        expected.collectedAt = latest.collectedAt
        expected.users = []  // users are read through the users repository
        expected.filesystems = sample.filesystems.sorted { $0.mountPoint < $1.mountPoint }
        #expect(latest == expected)
        #expect(latest.ramPercent == 75)
        #expect(latest.diskPercent == 40)
        #expect(snapshot.server.osName == "Debian GNU/Linux 12 (bookworm)")
        #expect(snapshot.server.kernel == "6.1.0-18-amd64")
        #expect(snapshot.server.cpuCores == 4)
        #expect(snapshot.server.firstSeen == snapshot.server.lastSeen)

        let users = try await test.database.users.top()
        #expect(users.map(\.username) == ["alice", "bob"])
        #expect(
            users[0]
                == TopUserRecord(
                    username: "alice", serverName: "srv-000", cpu: 55.5, mem: 10.25, disk: 1_048_576, processCount: 12, topProcess: "postgres",
                    timestamp: latest.collectedAt))
        #expect(users[1].disk == nil && users[1].topProcess == nil)
    }

    @Test func storingTheSameSampleTwiceIsANoOp() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let sample = makeSample(at: Date(timeIntervalSince1970: 1_764_000_000))
        #expect(try await test.database.samples.store(sample, serverID: serverID) != nil)
        #expect(try await test.database.samples.store(sample, serverID: serverID) == nil)
        let counts = try await test.database.pool.query(
            """
            SELECT (SELECT count(*) FROM server_metrics) AS samples, (SELECT count(*) FROM filesystems) AS filesystems,
                   (SELECT count(*) FROM top_users) AS users
            """)
        let row = try #require(counts.first)
        #expect(try row.require("samples", as: Int.self) == 1)
        #expect(try row.require("filesystems", as: Int.self) == 2)
        #expect(try row.require("users", as: Int.self) == 2)
    }

    @Test func aSampleWithNothingReadStoresNulls() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let at = Date(timeIntervalSince1970: 1_764_000_000)
        try await test.database.samples.store(MetricSample(collectedAt: at), serverID: serverID)
        let latest = try #require(try await test.database.metrics.latest(serverNamed: "srv-000")?.latest)
        #expect(latest == MetricSample(collectedAt: at))
        let record = LatestMetricsRecord(ServerSnapshot(server: try #require(try await test.database.servers.named("srv-000")), latest: latest))
        #expect(record.ramPercentage == nil && record.diskPercentage == nil)
    }

    @Test(arguments: [
        "'; DROP TABLE servers; --",
        "<script>alert(1)</script>",
        "Robert'); DELETE FROM top_users; --",
        "$1 $2 \\ \" {a,b} NULL",
        "ユーザー 名前 🚀",
        "=HYPERLINK(\"http://x\")",
    ])
    func hostileStringsAreStoredVerbatim(_ text: String) async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        var sample = makeSample(at: Date(timeIntervalSince1970: 1_764_000_000))
        sample.osName = text
        sample.hostname = text
        sample.users = [UserActivity(username: text, cpuPercent: 1, memoryPercent: 1, processCount: 1, topProcess: text)]
        sample.filesystems = [FilesystemUsage(mountPoint: "/" + text, device: text, fsType: text, sizeBytes: 10, usedBytes: 5, availableBytes: 5)]
        try await test.database.samples.store(sample, serverID: serverID)

        let snapshot = try #require(try await test.database.metrics.latest(serverNamed: "srv-000"))
        #expect(snapshot.server.osName == text)
        #expect(snapshot.server.hostname == text)
        #expect(snapshot.latest?.filesystems == sample.filesystems)
        let users = try await test.database.users.top(TopUsersQuery(search: text))
        #expect(users.map(\.username) == [text])
        #expect(users.first?.topProcess == text)
        let tables = try await test.database.pool.query("SELECT count(*) AS n FROM servers")
        #expect(try tables.first?.require("n", as: Int.self) == 1)
    }

    @Test func nulBytesAreRefusedWithAClearErrorAndNothingIsStored() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        var sample = makeSample(at: Date(timeIntervalSince1970: 1_764_000_000))
        sample.users = [UserActivity(username: "evil\u{0}user", cpuPercent: 1, memoryPercent: 1, processCount: 1)]
        await #expect {
            try await test.database.samples.store(sample, serverID: serverID)
        } throws: { error in
            (error as? StorageError)?.kind == .invalidParameter && "\(error)".contains("NUL")
        }
        let count = try await test.database.pool.query("SELECT count(*) AS n FROM server_metrics")
        #expect(try count.first?.require("n", as: Int.self) == 0)
    }

    @Test func invalidUTF8FromAHostIsCleanedBeforeItIsStored() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let raw: [UInt8] = Array("caf".utf8) + [0xE9, 0x00, 0x1B] + Array("[31mred".utf8) + [0xFF]
        let cleaned = HostText.clean(bytes: raw)
        #expect(cleaned.altered)
        var sample = makeSample(at: Date(timeIntervalSince1970: 1_764_000_000))
        sample.users = [UserActivity(username: cleaned.text, cpuPercent: 1, memoryPercent: 1, processCount: 1)]
        try await test.database.samples.store(sample, serverID: serverID)
        let users = try await test.database.users.top()
        #expect(users.map(\.username) == ["caf\u{FFFD}[31mred\u{FFFD}"])
    }
}

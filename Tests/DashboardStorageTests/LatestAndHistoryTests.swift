import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

@Suite(.tags(.postgres)) struct LatestAndHistoryTests {
    @Test func latestPerServerIsRightWithHundredsOfServersAndInterleavedTimes() async throws {
        let test = try await TestDatabase.make(poolSize: 8)
        let ids = try await test.addServers(300)
        let base = Date(timeIntervalSince1970: 1_764_000_000)
        // Each server gets samples at shuffled times; the newest must win whatever the order of arrival.
        var expected: [String: Date] = [:]
        var generator = SystemRandomNumberGenerator()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, id) in ids {
                let offsets = (0..<4).map { _ in Double(Int.random(in: 0..<100_000, using: &generator)) }
                let newest = base.addingTimeInterval(offsets.max()!)
                expected[name] = newest
                group.addTask {
                    for offset in offsets.shuffled() {
                        try await test.database.samples.store(makeSample(at: base.addingTimeInterval(offset), cpu: offset / 1000), serverID: id)
                    }
                }
            }
            try await group.waitForAll()
        }
        let snapshots = try await test.database.metrics.latest()
        #expect(snapshots.count == 300)
        #expect(snapshots.map(\.server.name) == expected.keys.sorted())
        for snapshot in snapshots {
            let want = try #require(expected[snapshot.server.name])
            #expect(snapshot.latest?.collectedAt == want, "\(snapshot.server.name)")
            #expect(snapshot.latest?.cpuPercent == want.timeIntervalSince(base) / 1000)
            #expect(snapshot.server.lastSeen == want)
        }
    }

    @Test func serversWithoutSamplesAndDisabledServers() async throws {
        let test = try await TestDatabase.make()
        try await test.addServers(3)
        let inventory = [ServerConfig(name: "srv-000", host: "10.0.0.1", port: 2222, username: "u", password: Secret("p"), tags: ["web", "eu"])]
        let ids = try await test.database.servers.sync(inventory: inventory)
        #expect(ids.keys.sorted() == ["srv-000"])
        let enabled = try await test.database.metrics.latest()
        #expect(enabled.map(\.server.name) == ["srv-000"])
        #expect(enabled.first?.latest == nil)
        #expect(enabled.first?.server.port == 2222)
        #expect(enabled.first?.server.tags == ["web", "eu"])
        let all = try await test.database.servers.all(includeDisabled: true)
        #expect(all.map(\.name) == ["srv-000", "srv-001", "srv-002"])
        #expect(all.map(\.enabled) == [true, false, false])
        // Listing it again re-enables it and keeps its id.
        let before = try #require(all.first { $0.name == "srv-001" })
        let again = try await test.database.servers.sync(inventory: [ServerConfig(name: "srv-001", host: "h", username: "u", password: Secret("p"))])
        #expect(again["srv-001"] == before.id)
        #expect(try await test.database.servers.named("srv-001")?.enabled == true)
    }

    @Test func historyBucketsAverageAndMaximumWithHalfOpenEdges() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let hour = Date(timeIntervalSince1970: 1_764_003_600)  // a whole hour since the epoch
        // Samples at :00, :15, :30, :45 of one hour and :00 of the next; cpu = minute.
        for minute in [0, 15, 30, 45, 60] {
            let at = hour.addingTimeInterval(Double(minute * 60))
            try await test.database.samples.store(makeSample(at: at, cpu: Double(minute), rx: Int64(minute) * 60_000, tx: 0), serverID: serverID)
        }
        let buckets = try await test.database.metrics.history(serverID: serverID, from: hour, to: hour.addingTimeInterval(3600), step: 1800)
        #expect(buckets.map(\.start) == [hour, hour.addingTimeInterval(1800)])
        #expect(buckets.map(\.samples) == [2, 2])
        #expect(buckets[0][.cpuPercent] == Aggregate(avg: 7.5, max: 15))
        #expect(buckets[1][.cpuPercent] == Aggregate(avg: 37.5, max: 45))
        #expect(buckets[0][.ramPercent].avg == 75)
        // rx grows 60,000 bytes per minute: 1,000 bytes/s; the first sample has no predecessor in range.
        #expect(buckets[0][.networkReceiveRate].avg == 1000)
        #expect(buckets[1][.networkReceiveRate] == Aggregate(avg: 1000, max: 1000))

        // `to` is exclusive, `from` inclusive.
        let edge = try await test.database.metrics.history(
            serverID: serverID, from: hour.addingTimeInterval(900), to: hour.addingTimeInterval(2700), step: 3600)
        #expect(edge.map(\.samples) == [2])
        #expect(edge.first?[.cpuPercent].max == 30)
        #expect(edge.first?[.networkReceiveRate].avg == 1000)
    }

    @Test func counterResetsGiveNoRateInsteadOfANegativeOne() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let start = Date(timeIntervalSince1970: 1_764_003_600)
        for (index, rx) in [100_000, 160_000, 500, 60_500].enumerated() {
            try await test.database.samples.store(makeSample(at: start.addingTimeInterval(Double(index * 60)), rx: Int64(rx)), serverID: serverID)
        }
        let buckets = try await test.database.metrics.history(serverID: serverID, from: start, to: start.addingTimeInterval(3600), step: 60)
        #expect(buckets.map { $0[.networkReceiveRate].avg } == [nil, 1000, nil, 1000])
    }

    @Test func historyOfAnEmptyRangeIsEmpty() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let buckets = try await test.database.metrics.history(
            serverID: serverID, from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 3600), step: 60)
        #expect(buckets.isEmpty)
        await #expect(throws: StorageError.self) {
            try await test.database.metrics.history(serverID: serverID, from: Date(), to: Date(), step: 0)
        }
    }
}

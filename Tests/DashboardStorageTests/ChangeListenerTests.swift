import DashboardCore
import DashboardStorage
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite(.tags(.postgres)) struct ChangeListenerTests {
    @Test func subscribedComesFirstAndAStoredSampleIsReported() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let listener = ChangeListener(configuration: DatabaseConfiguration(connectionString: test.url), logger: TestDatabase.logger)
        let events = EventLog()
        let consumer = events.consume(listener.changes())
        defer { consumer.cancel() }

        try await events.wait { $0.contains(.subscribed) }
        #expect(events.all.first == .subscribed)

        try await test.database.samples.store(makeSample(at: Date(timeIntervalSince1970: 1_764_000_000)), serverID: serverID)
        let seen = try await events.wait { $0.contains(.changed(table: "server_metrics")) }
        // The one statement also wrote the server's latest pointer, its filesystems and its users.
        for table in ["servers", "filesystems", "top_users"] {
            #expect(seen.contains(.changed(table: table)), "\(table) in \(seen)")
        }
        #expect(!seen.contains { if case .unsubscribed = $0 { true } else { false } })
    }

    @Test func reconnectsAfterPostgresRestartsAndNotificationsFlowAgain() async throws {
        // A cluster of this test's own, so restarting it disturbs no other test.
        try await OwnCluster.with { cluster in
            let database = Database(configuration: DatabaseConfiguration(connectionString: cluster.url), logger: TestDatabase.logger)
            try await database.migrate(logger: TestDatabase.logger)
            let ids = try await database.servers.sync(inventory: [ServerConfig(name: "restarted", host: "127.0.0.1", username: "u", password: Secret("p"))])
            let serverID = try #require(ids["restarted"])

            let listener = ChangeListener(
                configuration: DatabaseConfiguration(connectionString: cluster.url), logger: TestDatabase.logger,
                reconnectDelay: .milliseconds(100), maximumReconnectDelay: .milliseconds(400)
            )
            let events = EventLog()
            let consumer = events.consume(listener.changes())
            defer { consumer.cancel() }
            try await events.wait { $0 == [.subscribed] }

            try await cluster.run("restart")
            let afterRestart = try await events.wait(timeout: .seconds(30)) { events in
                guard let lost = events.firstIndex(where: \.isUnsubscribed) else { return false }
                return events[lost...].contains(.subscribed)
            }
            let firstLoss = afterRestart.firstIndex(where: \.isUnsubscribed)
            let lost = try #require(firstLoss)
            #expect(lost == 1, "\(afterRestart)")
            let password = try #require(URLComponents(string: cluster.url)?.password)
            for case .unsubscribed(let reason) in afterRestart {
                #expect(reason.contains("127.0.0.1"), "\(reason)")
                #expect(!reason.contains(password))
            }

            try await database.samples.store(makeSample(at: Date(timeIntervalSince1970: 1_764_000_000)), serverID: serverID)
            try await events.wait { events in
                guard let resubscribed = events.lastIndex(of: .subscribed), resubscribed > lost else { return false }
                return events[resubscribed...].contains(.changed(table: "server_metrics"))
            }
            await database.pool.close()
        }
    }

    @Test func unreachableDatabaseIsReportedWithoutThePassword() async throws {
        let listener = ChangeListener(
            configuration: DatabaseConfiguration(connectionString: "postgresql://dashboard:secret-pw@127.0.0.1:9/server_db", connectTimeoutSeconds: 2),
            logger: TestDatabase.logger, reconnectDelay: .milliseconds(50), maximumReconnectDelay: .milliseconds(200)
        )
        let events = EventLog()
        let consumer = events.consume(listener.changes())
        defer { consumer.cancel() }
        let seen = try await events.wait { $0.filter(\.isUnsubscribed).count >= 3 }
        #expect(!seen.contains(.subscribed))
        for case .unsubscribed(let reason) in seen {
            #expect(reason.contains("127.0.0.1:9") && reason.contains("refused"), "\(reason)")
            #expect(!reason.contains("secret-pw"))
        }
    }

    @Test func cancellingEndsTheStreamAndClosesTheConnection() async throws {
        let test = try await TestDatabase.make()
        let listener = ChangeListener(configuration: DatabaseConfiguration(connectionString: test.url), logger: TestDatabase.logger)
        let events = EventLog()
        let consumer = events.consume(listener.changes())
        try await events.wait { $0.contains(.subscribed) }
        #expect(try await listeningBackends(test) == 1)

        consumer.cancel()
        await consumer.value
        #expect(events.finished)

        // The listener's thread notices within a poll interval and closes its connection
        // (the deadline only bounds a loaded machine; timings belong in benchmarks).
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        var left = try await listeningBackends(test)
        while left > 0, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            left = try await listeningBackends(test)
        }
        #expect(left == 0)
    }

    /// Backends of `test`'s database whose last statement was the listener's LISTEN.
    private func listeningBackends(_ test: TestDatabase) async throws -> Int {
        let result = try await test.database.pool.query(
            """
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = \(test.name) AND query = \("LISTEN " + ChangeListener.channel)
            """)
        return try result.first?.require("n") ?? 0
    }
}

extension DatabaseChange {
    var isUnsubscribed: Bool {
        if case .unsubscribed = self { return true }
        return false
    }
}

/// Collects a stream's events as a task consumes them, for tests to wait on.
final class EventLog: Sendable {
    private let events = Mutex<[DatabaseChange]>([])
    private let ended = Atomic<Bool>(false)

    var all: [DatabaseChange] { events.withLock { $0 } }
    var finished: Bool { ended.load(ordering: .acquiring) }

    /// Starts a task that appends every event of `stream` until it ends or is cancelled.
    func consume(_ stream: AsyncStream<DatabaseChange>) -> Task<Void, Never> {
        Task {
            for await change in stream {
                events.withLock { $0.append(change) }
            }
            ended.store(true, ordering: .releasing)
        }
    }

    /// Waits until `condition` holds for the events so far and returns them; fails after `timeout`.
    @discardableResult
    func wait(timeout: Duration = .seconds(15), until condition: ([DatabaseChange]) -> Bool) async throws -> [DatabaseChange] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let seen = all
            if condition(seen) { return seen }
            guard clock.now < deadline else {
                throw TestEnvironmentError("the expected change events did not arrive within \(timeout); got \(seen)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

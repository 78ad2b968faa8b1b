import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// Migration 0007's row triggers send one live event on `server_dashboard_events` exactly
/// when the collector finishes a run or an alert opens, escalates or resolves — written
/// through the repositories the collector uses (docs/api.md "Live events").
@Suite(.tags(.postgres)) struct LiveEventTriggerTests {
    /// The live events among `changes`, as JSON objects.
    static func liveEvents(_ changes: [DatabaseChange]) -> [[String: Any]] {
        changes.compactMap { change in
            guard case .event(let payload) = change else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
        }
    }

    @Test func aFinishedRunSendsOneCollectionEventAndItsOutcomesSendNone() async throws {
        let test = try await TestDatabase.make()
        let ids = try await test.addServers(2)
        let listener = ChangeListener(configuration: DatabaseConfiguration(connectionString: test.url), logger: TestDatabase.logger)
        let log = EventLog()
        let consumer = log.consume(listener.changes())
        defer { consumer.cancel() }
        try await log.wait { $0.contains(.subscribed) }

        let started = Date(timeIntervalSince1970: 1_764_000_000)
        let runID = try await test.database.runs.start(at: started, serversTotal: 2)
        for (name, id) in ids.sorted(by: { $0.key < $1.key }) {
            try await test.database.runs.record(
                ServerOutcome(serverName: name, failure: nil, attempts: 1, durationMilliseconds: 5, finishedAt: started.addingTimeInterval(1)), runID: runID,
                serverID: id)
        }
        // Nothing yet: the run is still running.
        try await log.wait { $0.contains(.changed(table: "collection_runs")) }
        #expect(Self.liveEvents(log.all).isEmpty, "\(log.all)")

        try await test.database.runs.finish(runID: runID, at: started.addingTimeInterval(2.5), state: .completed)
        let seen = try await log.wait { !Self.liveEvents($0).isEmpty }
        let events = Self.liveEvents(seen)
        #expect(events.count == 1, "\(events)")
        #expect(events.first?["kind"] as? String == "collection")
        #expect((events.first?["run_id"] as? NSNumber)?.int64Value == runID)
        #expect(events.first?["finished_at"] as? String == "2025-11-24T16:00:02.500Z")

        // Finishing it again (a retried write) sends nothing more.
        try await test.database.runs.finish(runID: runID, at: started.addingTimeInterval(3), state: .completed)
        _ = try await test.database.runs.start(at: started.addingTimeInterval(10), serversTotal: 2)
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.liveEvents(log.all).count == 1, "\(log.all)")
    }

    @Test func anAlertSendsOpenedEscalatedAndResolvedButNotItsUnchangedUpdates() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1, prefix: "web")["web-000"])
        let listener = ChangeListener(configuration: DatabaseConfiguration(connectionString: test.url), logger: TestDatabase.logger)
        let log = EventLog()
        let consumer = log.consume(listener.changes())
        defer { consumer.cancel() }
        try await log.wait { $0.contains(.subscribed) }

        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        let alerts = test.database.alerts
        try await alerts.apply([.open(.cpu, .warning, message: "CPU 91%", value: 91)], serverID: serverID, at: t0)
        // The same level again: a new figure, no event.
        try await alerts.apply([.open(.cpu, .warning, message: "CPU 92%", value: 92)], serverID: serverID, at: t0.addingTimeInterval(60))
        try await alerts.apply([.open(.cpu, .critical, message: "CPU 99%", value: 99)], serverID: serverID, at: t0.addingTimeInterval(120))
        // Back to warning: no event (the next collection event refreshes pages).
        try await alerts.apply([.open(.cpu, .warning, message: "CPU 91%", value: 91)], serverID: serverID, at: t0.addingTimeInterval(180))
        try await alerts.apply([.resolve(.cpu)], serverID: serverID, at: t0.addingTimeInterval(240))
        let seen = try await log.wait { Self.liveEvents($0).count >= 3 }
        try await Task.sleep(for: .milliseconds(300))
        let events = Self.liveEvents(log.all)
        #expect(events.count == 3, "\(seen)")
        #expect(events.map { $0["state"] as? String } == ["opened", "escalated", "resolved"])
        #expect(events.map { $0["severity"] as? String } == ["warning", "critical", "warning"])
        for event in events {
            #expect(event["kind"] as? String == "alert")
            #expect(event["server"] as? String == "web-000")
            #expect(event["type"] as? String == "cpu")
            #expect((event["server_id"] as? NSNumber)?.int64Value == serverID)
        }
        let ids = Set(events.compactMap { ($0["id"] as? NSNumber)?.int64Value })
        #expect(ids.count == 1)
    }
}

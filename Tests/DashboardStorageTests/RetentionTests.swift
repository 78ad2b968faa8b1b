import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

@Suite(.tags(.postgres)) struct RetentionTests {
    @Test func removesExactlyTheOldRowsAndKeepsEachServersLatest() async throws {
        let test = try await TestDatabase.make()
        let ids = try await test.addServers(2)
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        let day = 86_400.0
        // srv-000: samples 100, 50, 10 and 1 days old. srv-001: one sample 200 days old (its latest).
        for age in [100.0, 50, 10, 1] {
            try await test.database.samples.store(makeSample(at: now.addingTimeInterval(-age * day)), serverID: ids["srv-000"]!)
        }
        try await test.database.samples.store(makeSample(at: now.addingTimeInterval(-200 * day)), serverID: ids["srv-001"]!)
        let run = try await test.database.runs.start(at: now.addingTimeInterval(-95 * day), serversTotal: 2)
        try await test.database.runs.finish(runID: run, at: now.addingTimeInterval(-95 * day), state: .completed)

        let report = try await test.database.retention.deleteOldData(
            olderThan: now.addingTimeInterval(-90 * day), topUsersOlderThan: now.addingTimeInterval(-7 * day))
        #expect(report.samples == 1)
        #expect(report.filesystems == 2)
        #expect(report.topUsers == 2 * 3)  // 100, 50 and 10 days old, two users each
        #expect(report.runs == 1)
        #expect(report.hourlyRollups == 1)  // the 100-day-old sample's hour; srv-001's latest keeps its own

        let left = try await test.database.pool.query(
            """
            SELECT s.name, array_agg(extract(epoch FROM m.collected_at)::bigint ORDER BY m.collected_at) AS times
            FROM server_metrics m JOIN servers s ON s.id = m.server_id GROUP BY s.name ORDER BY s.name
            """)
        let times = try left.rows.map { (row) throws -> String in "\(try row.require("name", as: String.self)):\(try row.require("times", as: String.self))" }
        let epoch = Int(now.timeIntervalSince1970)
        #expect(
            times == [
                "srv-000:{\(epoch - 50 * 86_400),\(epoch - 10 * 86_400),\(epoch - 86_400)}",
                "srv-001:{\(epoch - 200 * 86_400)}",
            ])
        let users = try await test.database.pool.query("SELECT count(*) AS n FROM top_users")
        #expect(try users.first?.require("n", as: Int.self) == 4)  // srv-000's 1-day-old sample and srv-001's latest
        #expect(try await test.database.metrics.latest(serverNamed: "srv-001")?.latest != nil)

        let again = try await test.database.retention.deleteOldData(
            olderThan: now.addingTimeInterval(-90 * day), topUsersOlderThan: now.addingTimeInterval(-7 * day))
        #expect(again == RetentionReport())
    }

    @Test func deletesLargeBacklogsInBatches() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        // 45,000 old samples generated in SQL (more than two batches), then one recent one.
        try await test.database.pool.query(
            """
            INSERT INTO server_metrics (server_id, collected_at, cpu_percent)
            SELECT \(serverID), to_timestamp(1000000000 + g * 60), 1 FROM generate_series(1, 45000) g
            """)
        try await test.database.samples.store(makeSample(at: Date(timeIntervalSince1970: 1_764_000_000)), serverID: serverID)
        let report = try await test.database.retention.deleteOldData(
            olderThan: Date(timeIntervalSince1970: 1_700_000_000), topUsersOlderThan: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(report.samples == 45_000)
        let left = try await test.database.pool.query("SELECT count(*) AS n FROM server_metrics")
        #expect(try left.first?.require("n", as: Int.self) == 1)
    }
}

@Suite(.tags(.postgres)) struct AlertEventRetentionTests {
    @Test func toldEventsAndEndedSilencesGoWithTheSamplesButAPendingNotificationKeepsItsEvent() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let now = Date()
        let old = now.addingTimeInterval(-100 * 86_400)
        try await test.database.alerts.apply([.open(.disk, .critical, message: "disk full", value: 99)], serverID: serverID, at: old)
        let alertID: Int64 = try #require(try await test.database.pool.query("SELECT id FROM alerts").first?.require("id"))
        try await SeededAlerting.addEvent(test.database, alertID: alertID, at: old, rows: [.init(channel: "hook", state: "delivered")])
        let kept = try await SeededAlerting.addEvent(test.database, alertID: alertID, at: old, rows: [.init(channel: "hook", state: "pending")])
        try await SeededAlerting.addEvent(test.database, alertID: alertID, at: now, rows: [.init(channel: "hook", state: "delivered")])
        _ = try await test.database.silences.add(scope: .all, alertType: nil, reason: "old", startsAt: old, endsAt: old.addingTimeInterval(3600))

        let report = try await test.database.retention.deleteOldData(
            olderThan: now.addingTimeInterval(-90 * 86_400), topUsersOlderThan: now.addingTimeInterval(-7 * 86_400))
        #expect(report.alertEvents == 1)
        let left = try await test.database.pool.query("SELECT event_id::text AS id FROM alert_events ORDER BY created_at").rows.map {
            try $0.require("id", as: String.self)
        }
        #expect(left.count == 2 && left.first == kept.eventID)
        #expect(try await test.database.silences.list(includeEnded: true, now: now).isEmpty)
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// The read side of silences and the notification outbox (docs/notifications.md): rows
/// written as the collector writes them, read back by the repositories and on listed alerts.
@Suite(.tags(.postgres)) struct SilencesAndNotificationsTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_000_000)

    @Test func silencesAreAddedListedAndRemoved() async throws {
        let test = try await TestDatabase.make()
        let silences = test.database.silences
        let t0 = Self.t0
        let server = try await silences.add(
            scope: .server("web-01"), alertType: .disk, reason: "disk swap", startsAt: t0, endsAt: t0.addingTimeInterval(7200))
        #expect(server.scope == .server("web-01") && server.alertType == .disk && server.reason == "disk swap")
        #expect(server.startsAt == t0 && server.endsAt == t0.addingTimeInterval(7200) && server.id > 0)
        let tag = try await silences.add(
            scope: .tag("db"), alertType: nil, reason: "upgrade", startsAt: t0.addingTimeInterval(3600), endsAt: t0.addingTimeInterval(9000))
        let ended = try await silences.add(
            scope: .all, alertType: nil, reason: "old", startsAt: t0.addingTimeInterval(-7200), endsAt: t0.addingTimeInterval(-60))

        // Not yet ended: the active one and the one still to start, soonest start first.
        #expect(try await silences.list(now: t0).map(\.id) == [server.id, tag.id])
        #expect(try await silences.list(now: t0).last?.scope == .tag("db"))
        #expect(try await silences.list(includeEnded: true, now: t0).map(\.id) == [ended.id, server.id, tag.id])
        #expect(try await silences.list(includeEnded: true, now: t0).first?.scope == .all)
        // In force now: only the started one.
        #expect(try await silences.active(at: t0).map(\.id) == [server.id])
        #expect(try await silences.active(at: t0.addingTimeInterval(3600)).map(\.id) == [server.id, tag.id])

        #expect(try await silences.remove(id: server.id))
        #expect(try await silences.remove(id: server.id) == false)
        #expect(try await silences.list(now: t0).map(\.id) == [tag.id])

        // The table's own checks hold: an end before the start is refused.
        await #expect(throws: StorageError.self) {
            try await silences.add(scope: .all, alertType: nil, reason: "backwards", startsAt: t0, endsAt: t0.addingTimeInterval(-1))
        }
    }

    @Test func notificationsAreListedByStateCountedAndAttachedToAlerts() async throws {
        let test = try await TestDatabase.make()
        let ids = try await test.addServers(2)
        let t0 = Self.t0
        let alerts = test.database.alerts
        try await alerts.apply([.open(.cpu, .critical, message: "CPU 95%", value: 95)], serverID: ids["srv-000"]!, at: t0)
        try await alerts.apply([.open(.offline, .critical, message: "offline", value: nil)], serverID: ids["srv-001"]!, at: t0)
        let listed = try await alerts.list(.active, now: t0)
        let cpu = try #require(listed.first { $0.type == .cpu })
        let offline = try #require(listed.first { $0.type == .offline })
        #expect(listed.allSatisfy { $0.notifications.isEmpty && $0.silenced == nil })

        let opened = try await SeededAlerting.addEvent(
            test.database, alertID: cpu.id, at: t0.addingTimeInterval(1),
            rows: [
                .init(channel: "https://hooks.example.test/a", state: "delivered", deliveredAt: t0.addingTimeInterval(2)),
                .init(channel: "slack+https://hooks.example.test/…", state: "failed", attempts: 7, lastError: "HTTP 500"),
            ])
        let escalated = try await SeededAlerting.addEvent(
            test.database, alertID: cpu.id, event: "escalated", at: t0.addingTimeInterval(60),
            rows: [.init(channel: "https://hooks.example.test/a", state: "pending", attempts: 0)])
        try await SeededAlerting.addEvent(
            test.database, alertID: offline.id, at: t0.addingTimeInterval(30), rows: [.init(channel: "https://hooks.example.test/a", state: "pending")])

        let notifications = test.database.notifications
        let all = try await notifications.list()
        #expect(all.count == 4)
        // Newest first, each joined to its event, alert and server.
        #expect(all.first?.event == "escalated" && all.first?.eventID == escalated.eventID && all.first?.serverName == "srv-000")
        #expect(all[1].alertID == offline.id && all[1].serverName == "srv-001")
        #expect(try await notifications.list(state: .pending).map(\.state) == [.pending, .pending])
        let failed = try await notifications.list(state: .failed)
        #expect(failed.map(\.lastError) == ["HTTP 500"] && failed.first?.attempts == 7 && failed.first?.eventID == opened.eventID)
        let delivered = try await notifications.list(state: .delivered)
        #expect(delivered.map(\.deliveredAt) == [t0.addingTimeInterval(2)] && delivered.first?.createdAt == t0.addingTimeInterval(1))
        #expect(try await notifications.list(limit: 1).count == 1)
        let counts = try await notifications.counts()
        #expect(counts.pending == 2 && counts.failed == 1)

        // By alert: newest event first, then by channel; capped per alert.
        let byAlert = try await notifications.deliveries(alertIDs: [cpu.id, offline.id, 999_999])
        #expect(byAlert[cpu.id]?.map(\.event) == ["escalated", "opened", "opened"])
        #expect(byAlert[cpu.id]?.map(\.channel) == ["https://hooks.example.test/a", "https://hooks.example.test/a", "slack+https://hooks.example.test/…"])
        #expect(byAlert[offline.id]?.count == 1 && byAlert[999_999] == nil)
        #expect(try await notifications.deliveries(alertIDs: [cpu.id], perAlert: 1)[cpu.id]?.map(\.event) == ["escalated"])
        #expect(try await notifications.deliveries(alertIDs: []).isEmpty)

        // Listed alerts carry their deliveries, active and resolved alike.
        try await alerts.apply([.resolve(.offline)], serverID: ids["srv-001"]!, at: t0.addingTimeInterval(120))
        let active = try await alerts.list(.active, now: t0.addingTimeInterval(130))
        #expect(active.map(\.id) == [cpu.id])
        #expect(active.first?.notifications.map(\.state) == [.pending, .delivered, .failed])
        let resolved = try await alerts.list(.resolved, now: t0.addingTimeInterval(130))
        #expect(resolved.first?.notifications.map(\.event) == ["opened"] && resolved.first?.silenced == nil)
        #expect(try await alerts.list(.all, server: "srv-001").map(\.id) == [offline.id])
        #expect(try await alerts.list(.all, server: "no-such-server").isEmpty)
    }

    @Test func activeAlertsAreMarkedSilencedBySilencesAndMaintenanceWindows() async throws {
        let test = try await TestDatabase.make()
        // 2025-11-24 is a Monday; t0 is 16:00 UTC.
        let t0 = Self.t0
        let inventory = [
            ServerConfig(name: "web-01", host: "h", username: "u", password: Secret("p"), tags: ["web"]),
            ServerConfig(name: "db-01", host: "h", username: "u", password: Secret("p"), tags: ["db"], maintenance: [MaintenanceWindow("daily 15:30-17:00")!]),
            ServerConfig(name: "app-01", host: "h", username: "u", password: Secret("p")),
        ]
        let ids = try await test.database.servers.sync(inventory: inventory)
        let alerts = test.database.alerts
        for name in ["web-01", "db-01", "app-01"] {
            try await alerts.apply(
                [.open(.cpu, .warning, message: "CPU 75%", value: 75), .open(.disk, .warning, message: "disk 85%", value: 85)], serverID: ids[name]!, at: t0)
        }
        let silences = test.database.silences
        try await silences.add(
            scope: .tag("web"), alertType: .cpu, reason: "load test", startsAt: t0.addingTimeInterval(-60), endsAt: t0.addingTimeInterval(3600))
        try await silences.add(
            scope: .server("app-01"), alertType: nil, reason: "short", startsAt: t0.addingTimeInterval(-60), endsAt: t0.addingTimeInterval(600))
        try await silences.add(
            scope: .server("app-01"), alertType: .disk, reason: "longer", startsAt: t0.addingTimeInterval(-60), endsAt: t0.addingTimeInterval(1200))
        try await silences.add(scope: .all, alertType: nil, reason: "not yet", startsAt: t0.addingTimeInterval(7200), endsAt: t0.addingTimeInterval(9000))

        func silencing(_ at: Date) async throws -> [String: AlertSilencing] {
            var marks: [String: AlertSilencing] = [:]
            for alert in try await alerts.list(.active, now: at) {
                if let mark = alert.silenced { marks["\(alert.serverName) \(alert.type.rawValue)"] = mark }
            }
            return marks
        }
        let now = try await silencing(t0)
        #expect(
            now == [
                "web-01 cpu": AlertSilencing(reason: "load test", until: t0.addingTimeInterval(3600)),
                "db-01 cpu": AlertSilencing(reason: "maintenance window daily 15:30-17:00", until: t0.addingTimeInterval(3600)),
                "db-01 disk": AlertSilencing(reason: "maintenance window daily 15:30-17:00", until: t0.addingTimeInterval(3600)),
                "app-01 cpu": AlertSilencing(reason: "short", until: t0.addingTimeInterval(600)),
                // The silence that lasts longest wins.
                "app-01 disk": AlertSilencing(reason: "longer", until: t0.addingTimeInterval(1200)),
            ])
        // After the window and the silences: nothing is silenced, until the future one starts.
        #expect(try await silencing(t0.addingTimeInterval(4000)).isEmpty)
        #expect(try await silencing(t0.addingTimeInterval(7300)).count == 6)
        // Resolved alerts are never marked.
        try await alerts.apply([.resolve(.cpu)], serverID: ids["web-01"]!, at: t0.addingTimeInterval(10))
        #expect(try await alerts.list(.resolved, now: t0.addingTimeInterval(20)).allSatisfy { $0.silenced == nil })
    }
}

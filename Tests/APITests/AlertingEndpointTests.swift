import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@testable import API

/// What the api shows of alert rules, silences and notifications (docs/notifications.md):
/// the new fields of `/api/alerts`, `/api/silences`, `/api/notifications`, the outbox gauges
/// of `/metrics`, and statuses coloured by each server's own thresholds.
@Suite(.tags(.postgres)) struct AlertingEndpointTests {
    @Test func alertsCarryTheirSilenceAndEachChannelsDelivery() async throws {
        let api = try await APIHarness.make()
        let now = Date()
        try await SeededFleet.seed(api.test, now: now)
        let ids = try await SeededAlerting.seed(api.test.database, now: now)
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/alerts")
            #expect(status == .ok)
            let alerts = try #require(value as? [[String: Any]])
            let critical = try #require(alerts.first { $0["id"] as? Int == Int(ids.critical) })
            let silenced = try #require(critical["silenced"] as? [String: Any])
            #expect(silenced["reason"] as? String == SeededAlerting.silenceReason)
            let until = try #require((silenced["until"] as? String).flatMap(Timestamp.parse))
            #expect(abs(until.timeIntervalSince(now.addingTimeInterval(7200))) < 0.01)
            let deliveries = try #require(critical["notifications"] as? [[String: Any]])
            #expect(deliveries.map { $0["channel"] as? String } == [SeededAlerting.webhook, SeededAlerting.ntfy, SeededAlerting.slack])
            #expect(deliveries.map { $0["state"] as? String } == ["delivered", "pending", "failed"])
            #expect(deliveries[0]["delivered_at"] as? String != nil && deliveries[0]["last_error"] is NSNull)
            #expect(deliveries[2]["last_error"] as? String == SeededAlerting.hostileError && deliveries[2]["attempts"] as? Int == 7)
            #expect(deliveries.allSatisfy { $0["event"] as? String == "opened" && ($0["event_id"] as? String)?.count == 36 })

            let failing = try #require(alerts.first { $0["id"] as? Int == Int(ids.failing) })
            #expect(failing["silenced"] is NSNull)
            #expect((failing["notifications"] as? [[String: Any]])?.map { $0["state"] as? String } == ["pending"])
            // Alerts nobody was told about carry an empty list, not null.
            #expect(
                alerts.filter { ![Int(ids.critical), Int(ids.failing)].contains($0["id"] as? Int ?? 0) }.allSatisfy {
                    ($0["notifications"] as? [Any])?.isEmpty == true
                })

            // One server's alerts.
            let (_, one) = try await client.json("/api/alerts?state=all&server=\(SeededFleet.failing)")
            #expect((one as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(ids.failing)])
            let (_, none) = try await client.json("/api/alerts?server=no-such-server")
            #expect((none as? [Any])?.isEmpty == true)
        }
    }

    @Test func silencesListTheActiveOnesAndTheEndedOnlyWhenAsked() async throws {
        let api = try await APIHarness.make()
        let now = Date()
        try await SeededFleet.seed(api.test, now: now)
        try await SeededAlerting.seed(api.test.database, now: now)
        let later = try await api.test.database.silences.add(
            scope: .tag("db"), alertType: nil, reason: "next week", startsAt: now.addingTimeInterval(86_400), endsAt: now.addingTimeInterval(90_000))
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/silences")
            #expect(status == .ok)
            let silences = try #require(value as? [[String: Any]])
            #expect(silences.count == 2)
            let first = try #require(silences.first)
            #expect(first["scope"] as? String == "server" && first["server"] as? String == SeededFleet.critical && first["tag"] is NSNull)
            #expect(first["type"] as? String == "cpu" && first["reason"] as? String == SeededAlerting.silenceReason && first["active"] as? Bool == true)
            #expect(first["id"] as? Int != nil && (first["created_at"] as? String).flatMap(Timestamp.parse) != nil)
            let second = try #require(silences.last)
            #expect(second["id"] as? Int == Int(later.id) && second["scope"] as? String == "tag" && second["tag"] as? String == "db")
            #expect(second["server"] is NSNull && second["type"] is NSNull && second["active"] as? Bool == false)

            let (_, all) = try await client.json("/api/silences?include=ended")
            let everything = try #require(all as? [[String: Any]])
            #expect(everything.count == 3)
            #expect(everything.first?["scope"] as? String == "all" && everything.first?["active"] as? Bool == false)

            let (badStatus, bad) = try await client.json("/api/silences?include=forever")
            #expect(badStatus == .badRequest)
            #expect(ErrorAnswer(bad)?.code == "BAD_PARAMETER")
            #expect(ErrorAnswer(bad)?.message.contains("include") == true)
        }
    }

    @Test func notificationsAreListedByStateNewestFirst() async throws {
        let api = try await APIHarness.make()
        let now = Date()
        try await SeededFleet.seed(api.test, now: now)
        let ids = try await SeededAlerting.seed(api.test.database, now: now)
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/notifications")
            #expect(status == .ok)
            let all = try #require(value as? [[String: Any]])
            #expect(all.count == 4)
            // The failing server's event is the newest.
            #expect(all.first?["alert_id"] as? Int == Int(ids.failing) && all.first?["server"] as? String == SeededFleet.failing)
            #expect(all.first?["channel"] as? String == SeededAlerting.webhook && all.first?["event"] as? String == "opened")

            let (_, failed) = try await client.json("/api/notifications?state=failed")
            let failedItems = try #require(failed as? [[String: Any]])
            #expect(failedItems.count == 1)
            let item = try #require(failedItems.first)
            #expect(item["server"] as? String == SeededFleet.critical && item["alert_id"] as? Int == Int(ids.critical))
            #expect(item["last_error"] as? String == SeededAlerting.hostileError && item["delivered_at"] is NSNull)
            #expect(item["id"] as? Int != nil && (item["created_at"] as? String).flatMap(Timestamp.parse) != nil)

            let (_, pending) = try await client.json("/api/notifications?state=pending")
            #expect((pending as? [[String: Any]])?.map { $0["state"] as? String } == ["pending", "pending"])
            let (_, delivered) = try await client.json("/api/notifications?state=delivered")
            #expect((delivered as? [[String: Any]])?.first?["delivered_at"] as? String != nil)
            let (_, limited) = try await client.json("/api/notifications?limit=1")
            #expect((limited as? [Any])?.count == 1)

            for bad in ["/api/notifications?state=sent", "/api/notifications?state=%3Cscript%3E", "/api/notifications?limit=0"] {
                let (badStatus, answer) = try await client.json(bad)
                #expect(badStatus == .badRequest, "\(bad)")
                #expect(ErrorAnswer(answer)?.code == "BAD_PARAMETER", "\(bad)")
            }
        }
    }

    @Test func metricsCountPendingAndFailedNotifications() async throws {
        let api = try await APIHarness.make()
        try await api.withClient { client in
            // Before any notification: both gauges at 0, declared.
            let empty = String(decoding: try await client.get("/metrics").body, as: UTF8.self)
            #expect(empty.contains("server_dashboard_notifications_pending 0\n") && empty.contains("server_dashboard_notifications_failed 0\n"))
        }
        try await SeededFleet.seed(api.test)
        try await SeededAlerting.seed(api.test.database)
        try await api.withClient { client in
            let text = String(decoding: try await client.get("/metrics").body, as: UTF8.self)
            #expect(text.contains("# HELP server_dashboard_notifications_pending "))
            #expect(text.contains("# TYPE server_dashboard_notifications_pending gauge\n"))
            #expect(text.contains("server_dashboard_notifications_pending 2\n"))
            #expect(text.contains("# HELP server_dashboard_notifications_failed "))
            #expect(text.contains("# TYPE server_dashboard_notifications_failed gauge\n"))
            #expect(text.contains("server_dashboard_notifications_failed 1\n"))
        }
    }

    @Test func metricsServeTheOutboxCountsFromMemoryWhileLiveAndFollowChanges() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        let ids = try await SeededAlerting.seed(api.test.database)
        var logger = Logger(label: "api-live-test")
        logger.logLevel = .warning
        let app = buildApplication(api.dependencies, logger: logger)
        try await app.test(.live) { client in
            var live = false
            for _ in 0..<100 where !live {
                live = (try await client.json("/api/health").value as? [String: Any])?["cache"] as? String == "live"
                if !live { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(live)
            _ = try await client.get("/metrics")
            let loadsBefore = await api.dependencies.cache.notificationCountLoads
            for _ in 0..<20 {
                let text = String(decoding: try await client.get("/metrics").body, as: UTF8.self)
                #expect(text.contains("server_dashboard_notifications_pending 2\n"))
            }
            #expect(await api.dependencies.cache.notificationCountLoads == loadsBefore, "scrapes must not read the database while nothing changed")

            // The collector writes a new pending notification: the gauge follows.
            try await SeededAlerting.addEvent(
                api.test.database, alertID: ids.failing, event: "reminder", at: Date(),
                rows: [.init(channel: SeededAlerting.slack, state: "pending", attempts: 0)])
            var followed = false
            for _ in 0..<100 where !followed {
                followed = String(decoding: try await client.get("/metrics").body, as: UTF8.self).contains("server_dashboard_notifications_pending 3\n")
                if !followed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(followed, "the pending gauge did not follow the new notification within 10 s")
        }
    }

    @Test func statusesUseEachServersOwnThresholds() async throws {
        let api = try await APIHarness.make()
        // The same sample (CPU 12.5 %, RAM 75 %) on three servers: the global thresholds
        // (70/80) call it healthy; web-02's own CPU warning of 10 and the db tag's RAM
        // warning of 50 do not.
        let inventory = [
            ServerConfig(name: "web-01", host: "h", username: "u", password: Secret("p")),
            ServerConfig(name: "web-02", host: "h", username: "u", password: Secret("p"), thresholds: ThresholdOverrides(["cpu": ["warning": 10]])),
            ServerConfig(name: "db-01", host: "h", username: "u", password: Secret("p"), tags: ["db"]),
        ]
        let rules = AlertRules(tagThresholds: ["db": ThresholdOverrides(["ram": ["warning": 50]])])
        let ids = try await api.test.database.servers.sync(inventory: inventory, rules: rules)
        for id in ids.values { try await api.test.database.samples.store(makeSample(at: Date().addingTimeInterval(-30)), serverID: id) }
        try await api.withClient { client in
            let (_, value) = try await client.json("/api/servers")
            let servers = try #require(value as? [[String: Any]])
            func record(_ name: String) -> [String: Any]? { servers.first { $0["name"] as? String == name } }
            #expect(record("web-01")?["status"] as? String == "healthy" && record("web-01")?["cpu_status"] as? String == "normal")
            #expect(record("web-02")?["status"] as? String == "warning" && record("web-02")?["cpu_status"] as? String == "warning")
            #expect(record("db-01")?["status"] as? String == "warning" && record("db-01")?["ram_status"] as? String == "warning")
            #expect(record("db-01")?["cpu_status"] as? String == "normal")
            let (_, detail) = try await client.json("/api/servers/web-02")
            #expect((detail as? [String: Any])?["cpu_status"] as? String == "warning")
            // The detail names the levels it was judged by, so the pages colour with them too.
            let levels = (detail as? [String: Any])?["thresholds"] as? [String: [String: Double]]
            #expect(levels?["cpu"] == ["warning": 10, "critical": 90] && levels?["disk"] == ["warning": 80, "critical": 90])
            let (_, plain) = try await client.json("/api/servers/web-01")
            #expect(((plain as? [String: Any])?["thresholds"] as? [String: [String: Double]])?["cpu"] == ["warning": 70, "critical": 90])
            let metrics = String(decoding: try await client.get("/metrics").body, as: UTF8.self)
            #expect(metrics.contains("server_dashboard_status{server=\"web-02\",status=\"warning\"} 1\n"))
            #expect(metrics.contains("server_dashboard_status{server=\"web-01\",status=\"healthy\"} 1\n"))
        }
    }
}

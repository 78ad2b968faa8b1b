import DashboardCore
import DashboardStorage
import Foundation
import Logging
import Notify
import TestSupport
import Testing

@testable import Collector

/// Alerts told through a real loopback receiver (docs/notifications.md): the outbox
/// written with the alert change, grouping, faults, silences, windows, debounce.
@Suite(.serialized, .tags(.postgres, .sshHosts, .builtProducts, .receivers)) struct NotificationDeliveryTests {
    /// A dispatcher as `collector run` makes one.
    static func dispatcher(_ harness: CollectorHarness, _ settings: CollectorSettings, url: String? = nil) -> NotificationDispatcher {
        let configuration = DatabaseConfiguration(connectionString: url ?? harness.test.url)
        let database = url.map { _ in Database(configuration: configuration, logger: harness.logger) } ?? harness.test.database
        return NotificationDispatcher(
            database: database, databaseConfiguration: configuration, settings: settings.notifications,
            notifier: Notifier(settings: settings.notifications.sending, logger: harness.logger), logger: harness.logger)
    }

    /// `count` servers whose SSH port refuses connections: each run opens their offline alerts.
    static func refusedServers(_ harness: CollectorHarness, count: Int, prefix: String = "down") throws -> [ServerConfig] {
        let port = try unusedPort()
        return (1...count).map { index in
            harness.server("\(prefix)-\(index)") {
                $0.host = "127.0.0.1"; $0.port = port
            }
        }
    }

    /// Notification rows by state.
    static func states(_ harness: CollectorHarness) async throws -> [String: Int] {
        var states: [String: Int] = [:]
        for row in try await harness.test.database.pool.query("SELECT state, count(*)::int AS n FROM notifications GROUP BY state").rows {
            states[try row.require("state")] = try row.require("n")
        }
        return states
    }

    @Test func hundredServersGoingOfflineMakeOneGroupedMessagePerChannel() async throws {
        let harness = try await CollectorHarness.make()
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let settings = try harness.settings([
            "COLLECT_ATTEMPTS": "1", "NOTIFY_URLS": "\(receiver.base)/hook,ntfy+\(receiver.base)/ops", "NOTIFY_GROUP_MIN": "5",
        ])
        _ = try await harness.run(try Self.refusedServers(harness, count: 100), settings: settings)
        #expect(try await Self.states(harness) == ["pending": 200])
        let summary = try await Self.dispatcher(harness, settings).deliver()
        #expect(summary.delivered == 200 && summary.messages == 2, "\(summary)")
        let requests = try await receiver.requests()
        #expect(requests.count == 2)
        let hook = try #require(requests.first { $0.path == "/hook" }.flatMap { try? $0.json() })
        #expect(hook["event"] as? String == "grouped")
        let events = try #require(hook["events"] as? [[String: Any]])
        #expect(events.count == 100)
        #expect(Set(events.compactMap { ($0["alert"] as? [String: Any])?["server"] as? String }).count == 100)
        #expect(requests.contains { $0.path == "/ops" })
        #expect(try await Self.states(harness) == ["delivered": 200])
    }

    @Test func aFailingHangingOrDownReceiverLosesNothingAndNothingIsSentTwiceAfterSuccess() async throws {
        let harness = try await CollectorHarness.make()
        var receiver = try await HTTPReceiver()
        let first = receiver
        defer { first.stop() }
        let settings = try harness.settings([
            "COLLECT_ATTEMPTS": "1", "NOTIFY_URLS": "\(receiver.base)/hook", "NOTIFY_GROUP_MIN": "100", "NOTIFY_RETRY_BASE_SECONDS": "0",
            "NOTIFY_TIMEOUT_SECONDS": "1",
        ])
        let report = try await harness.run(try Self.refusedServers(harness, count: 3), settings: settings)
        #expect(report.failed == 3)
        let dispatcher = Self.dispatcher(harness, settings)

        try await receiver.setMode("error")
        var summary = try await dispatcher.deliver()
        #expect(summary.delivered == 0 && summary.failed == 1, "a failing channel is left after its first failure: \(summary)")
        try await receiver.setMode("hang")
        let started = ContinuousClock.now
        summary = try await dispatcher.deliver()
        #expect(summary.failed == 1 && ContinuousClock.now - started < .seconds(4), "\(summary)")
        receiver.stop()
        summary = try await dispatcher.deliver()
        #expect(summary.failed == 1)
        #expect(try await Self.states(harness) == ["pending": 3])
        let errors = try await harness.test.database.pool.query("SELECT last_error FROM notifications WHERE attempts > 0").rows.map {
            try $0.require("last_error", as: String.self)
        }
        #expect(!errors.isEmpty && errors.allSatisfy { !$0.isEmpty })

        receiver = try await HTTPReceiver(port: receiver.port)
        defer { receiver.stop() }
        summary = try await dispatcher.deliver()
        #expect(summary.delivered == 3, "\(summary)")
        let delivered = try await receiver.requests()
        #expect(Set(delivered.compactMap { (try? $0.json())?["event_id"] as? String }).count == 3)
        #expect(delivered.allSatisfy { $0.headers["idempotency-key"] == (try? $0.json())?["event_id"] as? String })
        summary = try await dispatcher.deliver()
        #expect(summary.delivered == 0 && summary.messages == 0)
        #expect(try await receiver.requests().count == 3, "nothing is sent again once a delivery was recorded")
        #expect(try await Self.states(harness) == ["delivered": 3])
    }

    @Test func postgresRestartedBetweenTheAlertChangeAndDeliveryStillDelivers() async throws {
        let harness = try await CollectorHarness.make()
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        try await OwnCluster.with { cluster in
            let settings = try harness.settings(["COLLECT_ATTEMPTS": "1", "NOTIFY_URLS": "\(receiver.base)/hook"])
            try await Database(configuration: DatabaseConfiguration(connectionString: cluster.url), logger: harness.logger).migrate(logger: harness.logger)
            _ = try await harness.run(try Self.refusedServers(harness, count: 2), settings: settings, databaseURL: cluster.url)
            try await cluster.run("restart")
            let summary = try await Self.dispatcher(harness, settings, url: cluster.url).deliver()
            #expect(summary.delivered == 2, "\(summary)")
            #expect(try await receiver.requests().count == 2)
        }
    }

    @Test func aCollectorKilledMidDeliveryLeavesItPendingForTheNextOne() async throws {
        let harness = try await CollectorHarness.make()
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let settings = try harness.settings(["COLLECT_ATTEMPTS": "1", "NOTIFY_URLS": "\(receiver.base)/hook"])
        _ = try await harness.run(try Self.refusedServers(harness, count: 1), settings: settings)
        try await receiver.setMode("hang")
        let environment = CollectorCommandTests.environment(harness.test, ["NOTIFY_URLS": "\(receiver.base)/hook", "NOTIFY_TIMEOUT_SECONDS": "60"])
        let delivery = try BackgroundProcess.start([CollectorCommandTests.binary, "notify", "pending", "--env-file", "/dev/null"], environment: environment)
        for _ in 0..<100 where try await receiver.requests().isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await receiver.requests().count == 1, "the delivery reached the receiver before the kill")
        delivery.kill()
        #expect(try await Self.states(harness) == ["pending": 1])
        try await receiver.setMode("ok")
        let next = try await CollectorCommandTests.collector(["notify", "pending"], environment)
        #expect(next.status == 0, "\(next.stdout) \(next.stderr)")
        #expect(next.stdout.contains("1 delivered"))
        #expect(try await Self.states(harness) == ["delivered": 1])
    }

    @Test func aSilenceHoldsTheNoticeAndItsEndTellsAnAlertStillOpen() async throws {
        let harness = try await CollectorHarness.make()
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let settings = try harness.settings(["COLLECT_ATTEMPTS": "1", "NOTIFY_URLS": "\(receiver.base)/hook"])
        let servers = try Self.refusedServers(harness, count: 2)
        _ = try await harness.test.database.silences.add(
            scope: .server("down-1"), alertType: nil, reason: "rack move", startsAt: Date().addingTimeInterval(-60), endsAt: Date().addingTimeInterval(3600))
        _ = try await harness.run(servers, settings: settings)
        let alerts = try await harness.test.database.alerts.list(.active)
        #expect(alerts.count == 2, "a silenced alert still opens")
        #expect(alerts.first { $0.serverName == "down-1" }?.silenced?.reason == "rack move")
        let dispatcher = Self.dispatcher(harness, settings)
        _ = try await dispatcher.deliver()
        #expect(try await receiver.requests().compactMap { ((try? $0.json())?["alert"] as? [String: Any])?["server"] as? String } == ["down-2"])

        // The silence ends (an hour from now) while down-1 is still offline: it is told then.
        let summary = try await dispatcher.deliver(now: Date().addingTimeInterval(3700))
        #expect(summary.delivered == 1, "\(summary)")
        let told = try await receiver.requests().last.flatMap { try? $0.json() }
        #expect((told?["alert"] as? [String: Any])?["server"] as? String == "down-1")
        #expect(told?["event"] as? String == "opened")
    }

    @Test func aMaintenanceWindowHoldsTheNoticeUntilItsEnd() async throws {
        let harness = try await CollectorHarness.make()
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let settings = try harness.settings(["COLLECT_ATTEMPTS": "1", "NOTIFY_URLS": "\(receiver.base)/hook"])
        let now = Date()
        let minute = Int(now.timeIntervalSince1970) % 86_400 / 60
        func clock(_ minute: Int) -> String { String(format: "%02d:%02d", (minute + 1440) % 1440 / 60, (minute + 1440) % 60) }
        let window = try #require(MaintenanceWindow("daily \(clock(minute - 1))-\(clock(minute + 5))"))
        var servers = try Self.refusedServers(harness, count: 1)
        servers[0].maintenance = [window]
        _ = try await harness.run(servers, settings: settings)
        let dispatcher = Self.dispatcher(harness, settings)
        _ = try await dispatcher.deliver()
        #expect(try await receiver.requests().isEmpty, "nothing is told inside the window")
        #expect(try await harness.test.database.alerts.list(.active).first?.silenced?.reason.contains("maintenance window") == true)
        let summary = try await dispatcher.deliver(now: now.addingTimeInterval(7 * 60))
        #expect(summary.delivered == 1, "the window's end tells the alert still open: \(summary)")
    }

    @Test func debounceOpensAfterTheConfiguredCountsOnly() async throws {
        let harness = try await CollectorHarness.make()
        let servers = try Self.refusedServers(harness, count: 1)
        let offline = "SELECT count(*)::int AS n FROM alerts WHERE type = 'offline'"
        let debounced = try harness.settings(["COLLECT_ATTEMPTS": "1", "ALERT_OFFLINE_AFTER_FAILURES": "3"])
        for expected in [0, 0, 1] {
            _ = try await harness.run(servers, settings: debounced)
            #expect(try await harness.count(SQLQuery(stringLiteral: offline)) == expected)
        }
        // Without the rule, the first failure opens it.
        let other = try await CollectorHarness.make()
        _ = try await other.run(try Self.refusedServers(other, count: 1), settings: try other.settings(["COLLECT_ATTEMPTS": "1"]))
        #expect(try await other.count(SQLQuery(stringLiteral: offline)) == 1)

        // Metric alerts: a disk threshold of 1 % makes every real host critical.
        let host = harness.server("low-disk") { $0.thresholds = ThresholdOverrides(["disk": ["warning": 0.5, "critical": 1]]) }
        let twice = try harness.settings(["ALERT_AFTER_SAMPLES": "2"])
        let disk = "SELECT count(*)::int AS n FROM alerts WHERE type = 'disk' AND severity = 'critical'"
        _ = try await harness.run([host], settings: twice)
        #expect(try await harness.count(SQLQuery(stringLiteral: disk)) == 0)
        _ = try await harness.run([host], settings: twice)
        #expect(try await harness.count(SQLQuery(stringLiteral: disk)) == 1)
    }

    @Test func minimumSeverityResolutionsAndReminders() async throws {
        let harness = try await CollectorHarness.make()
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        // Only the disk can alert: CPU and RAM of a loaded test machine (which do reach 100 %) must
        // not add alerts of their own, so their levels lie above any percentage.
        let calm = ["cpu": ["warning": 101.0, "critical": 101.0], "ram": ["warning": 101.0, "critical": 101.0]]
        let warningOnly = harness.server("warm") { $0.thresholds = ThresholdOverrides(calm.merging(["disk": ["warning": 1, "critical": 100]]) { $1 }) }
        let quiet = try harness.settings(["NOTIFY_URLS": "\(receiver.base)/hook", "NOTIFY_MIN_SEVERITY": "critical"])
        _ = try await harness.run([warningOnly], settings: quiet)
        #expect(try await harness.test.database.alerts.list(.active).map(\.type) == [.disk])
        #expect(try await Self.states(harness).isEmpty, "a warning is below NOTIFY_MIN_SEVERITY=critical")

        let told = try harness.settings(["NOTIFY_URLS": "\(receiver.base)/hook", "NOTIFY_REPEAT_MINUTES": "30"])
        let other = try await CollectorHarness.make()
        _ = try await other.run([warningOnly], settings: told)
        let dispatcher = Self.dispatcher(other, told)
        _ = try await dispatcher.deliver()
        _ = try await dispatcher.deliver(now: Date().addingTimeInterval(10 * 60))
        _ = try await dispatcher.deliver(now: Date().addingTimeInterval(31 * 60))
        let cooled = other.server("warm") { $0.thresholds = ThresholdOverrides(calm.merging(["disk": ["warning": 100, "critical": 100]]) { $1 }) }
        _ = try await other.run([cooled], settings: told)
        _ = try await dispatcher.deliver(now: Date().addingTimeInterval(32 * 60))
        let events = try await receiver.requests().compactMap { (try? $0.json())?["event"] as? String }
        #expect(events == ["opened", "reminder", "resolved"])
    }
}

/// `collector notify test` checks every channel and names bad ones by position, masked.
@Suite(.tags(.postgres, .builtProducts, .receivers))
struct NotifyCommandTests {
    @Test func notifyTestChecksEveryChannelAndReportsBadURLsByPositionMasked() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let urls = "ftp://bob:Pw-\(UUID().uuidString.prefix(6))@files.example.invalid/x,\(receiver.base)/hook"
        let result = try await CollectorCommandTests.collector(["notify", "test"], CollectorCommandTests.environment(nil, ["NOTIFY_URLS": urls]))
        #expect(result.status == 1, "a bad entry fails the check")
        #expect(result.stdout.contains("failed  NOTIFY_URLS entry 1"), "\(result.stdout)")
        #expect(result.stdout.contains("ok      NOTIFY_URLS entry 2"), "the other channel still works: \(result.stdout)")
        #expect(!(result.stdout + result.stderr).contains("Pw-"), "the password is masked")
        let requests = try await receiver.requests()
        #expect(requests.count == 1 && requests.first.flatMap { try? $0.json() }?["event"] as? String == "test")
    }

    @Test func aRunReportsABadChannelByPositionMaskedAndStillCollects() async throws {
        let test = try await TestDatabase.make()
        let password = "Pw-\(UUID().uuidString.prefix(6))"
        let environment = CollectorCommandTests.environment(
            test, ["SERVER1_NAME": "here", "SERVER1_HOST": "local", "NOTIFY_URLS": "gopher://ops:\(password)@gopher.example.invalid/"])
        let result = try await CollectorCommandTests.collector(["run", "--once"], environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("NOTIFY_URLS entry 1"), "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains(password))
    }
}

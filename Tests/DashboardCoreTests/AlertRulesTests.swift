import DashboardCore
import FoundationEssentials
import Testing

/// Thresholds per server and tag, debounce counts, maintenance windows (docs/notifications.md, "Rules").
struct AlertRulesTests {
    @Test func serverThresholdsFromTheEnvironmentAndTheirProblems() {
        let inventory = InventoryParser.parse(environment: [
            "SERVER1_NAME": "web", "SERVER1_HOST": "local", "SERVER1_THRESHOLD_DISK_WARNING": "92", "SERVER1_THRESHOLD_CPU_CRITICAL": "high",
            "SERVER1_THRESHOLD_SWAP_WARNING": "5",
        ])
        #expect(inventory.servers.first?.thresholds.value("disk", "warning") == 92)
        #expect(inventory.servers.first?.thresholds.value("cpu", "critical") == nil)
        #expect(inventory.problems.map(\.message).contains { $0.contains("SERVER1_THRESHOLD_CPU_CRITICAL") })
        #expect(inventory.problems.map(\.message).contains { $0.contains("unknown setting SERVER1_THRESHOLD_SWAP_WARNING") })
        let rules = inventory.rules(global: .defaults)
        #expect(
            rules.thresholds(for: inventory.servers[0]).disk == Threshold(warning: 92, critical: 92), "the server's own level wins over the global critical")
    }

    @Test func debounceCountsEachLevel() {
        let debouncer = AlertDebouncer(afterSamples: 3, offlineAfterFailures: 2)
        var streaks: [AlertType: AlertDebouncer.Streak] = [:]
        var open: [AlertType: AlertSeverity] = [:]
        func step(_ decision: AlertDecision) -> [AlertDecision] {
            let result = debouncer.filter([decision], streaks: streaks, open: open)
            streaks = result.streaks
            for passed in result.decisions {
                switch passed {
                case .open(let type, let severity, _, _): open[type] = severity
                case .resolve(let type): open[type] = nil
                }
            }
            return result.decisions
        }
        let critical = AlertDecision.open(.cpu, .critical, message: "hot", value: 95)
        let warning = AlertDecision.open(.cpu, .warning, message: "warm", value: 75)
        #expect(step(critical).isEmpty)
        #expect(step(warning).isEmpty)
        #expect(step(critical) == [.open(.cpu, .warning, message: "hot", value: 95)], "three bad samples at mixed levels open a warning")
        #expect(step(critical).isEmpty)
        #expect(step(critical) == [critical], "three critical in a row escalate")
        #expect(step(.resolve(.cpu)).isEmpty)
        #expect(step(.resolve(.cpu)).isEmpty)
        #expect(step(.resolve(.cpu)) == [.resolve(.cpu)], "resolution follows the same count")
        let offline = AlertDecision.open(.offline, .critical, message: "down", value: nil)
        #expect(step(offline).isEmpty)
        #expect(step(offline) == [offline])
        #expect(step(.resolve(.offline)) == [.resolve(.offline)], "a successful attempt resolves offline at once")
        let hostKey = AlertDecision.open(.hostKey, .critical, message: "changed", value: nil)
        #expect(step(hostKey) == [hostKey], "a host-key alert is never held back")
        #expect(AlertDebouncer().filter([critical], streaks: [:], open: [:]).decisions == [critical], "the default opens at once")
    }

    @Test func maintenanceWindowsAndSpans() throws {
        let window = try #require(MaintenanceWindow("sun 23:00-01:00"))
        // 2026-12-06 is a Sunday.
        let sundayLate = try #require(Timestamp.parse("2026-12-06T23:30:00Z"))
        let mondayEarly = try #require(Timestamp.parse("2026-12-07T00:30:00Z"))
        let mondayLate = try #require(Timestamp.parse("2026-12-07T23:30:00Z"))
        #expect(window.activeUntil(at: sundayLate) == Timestamp.parse("2026-12-07T01:00:00Z"))
        #expect(window.activeUntil(at: mondayEarly) == Timestamp.parse("2026-12-07T01:00:00Z"), "a window past midnight")
        #expect(window.activeUntil(at: mondayLate) == nil)
        #expect(MaintenanceWindow("daily 02:00-04:00")?.activeUntil(at: try #require(Timestamp.parse("2026-12-09T03:00:00Z"))) != nil)
        for bad in ["sun", "funday 02:00-04:00", "sun 2:00-02:00", "sun 25:00-26:00", "sun 02:00-02:00"] {
            #expect(MaintenanceWindow(bad) == nil, "\(bad)")
        }
        #expect(SpanText.seconds("1h30m") == 5400)
        #expect(SpanText.seconds("2h") == 7200)
        #expect(SpanText.seconds("2") == nil && SpanText.seconds("h") == nil && SpanText.seconds("-1h") == nil)
    }

    @Test func silencesMatchByServerTagTypeAndTime() throws {
        let now = Date()
        let silence = Silence(
            id: 1, scope: .tag("db"), alertType: .disk, reason: "migration", startsAt: now.addingTimeInterval(-60), endsAt: now.addingTimeInterval(60),
            createdAt: now)
        #expect(silence.covers(serverName: "x", tags: ["db"], type: .disk, at: now))
        #expect(!silence.covers(serverName: "x", tags: ["db"], type: .cpu, at: now))
        #expect(!silence.covers(serverName: "x", tags: ["web"], type: .disk, at: now))
        #expect(!silence.covers(serverName: "x", tags: ["db"], type: .disk, at: now.addingTimeInterval(61)))
        let found = AlertSilencing.find(serverName: "x", tags: ["db"], maintenance: [], type: .disk, silences: [silence], at: now)
        #expect(found == AlertSilencing(reason: "migration", until: now.addingTimeInterval(60)))
    }
}

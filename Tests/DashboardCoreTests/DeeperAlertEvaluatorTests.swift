import Foundation
import Testing

@testable import DashboardCore

/// The deeper alerts (docs/notifications.md, "Deeper alerts"): temperature and inode thresholds,
/// failed systemd units and unhealthy containers open, escalate and resolve; absent data leaves them alone.
@Suite struct DeeperAlertEvaluatorTests {
    let evaluator = AlertEvaluator(thresholds: .defaults)

    private func sample(
        temperature: Double? = nil, inodes: [(String, Int64, Int64)]? = nil, failedUnits: [String]? = nil, containers: [ContainerInfo]? = nil
    ) -> MetricSample {
        let filesystems = (inodes ?? [("/", 0, 0)]).map { mount, total, used in
            FilesystemUsage(
                mountPoint: mount, device: "/dev/sda1", sizeBytes: 100, usedBytes: 10, availableBytes: 90,
                inodesTotal: inodes == nil ? nil : total, inodesUsed: inodes == nil ? nil : used)
        }
        var sample = MetricSample(
            collectedAt: Date(timeIntervalSince1970: 0), cpuPercent: 5, memoryTotalBytes: 1000, memoryAvailableBytes: 900, filesystems: filesystems,
            containers: containers, failedUnits: failedUnits)
        sample[.temperatureCelsius] = temperature
        return sample
    }

    private func decision(_ type: AlertType, in decisions: [AlertDecision]) -> AlertDecision? {
        decisions.first { decision in
            switch decision {
            case .open(let t, _, _, _), .resolve(let t): t == type
            }
        }
    }

    private func decide(_ sample: MetricSample, previous: [ContainerInfo]? = nil, _ type: AlertType) -> AlertDecision? {
        decision(type, in: evaluator.decisions(for: sample, serverName: "web-01", previousContainers: previous))
    }

    @Test func temperatureOpensEscalatesAndResolvesInDegrees() {
        #expect(
            decide(sample(temperature: 80), .temperature)
                == .open(.temperature, .warning, message: "web-01: temperature at 80 °C (warning threshold 75 °C)", value: 80))
        #expect(
            decide(sample(temperature: 95.5), .temperature)
                == .open(.temperature, .critical, message: "web-01: temperature at 95.5 °C (critical threshold 90 °C)", value: 95.5))
        #expect(decide(sample(temperature: 40), .temperature) == .resolve(.temperature))
    }

    @Test func inodesNameTheFullestFilesystem() {
        let decided = decide(sample(inodes: [("/", 100, 50), ("/var", 1000, 850)]), .inodes)
        #expect(decided == .open(.inodes, .warning, message: "web-01: inodes (/var) at 85% (warning threshold 80%)", value: 85))
        if case .open(_, let severity, _, _) = decide(sample(inodes: [("/srv", 100, 95)]), .inodes) {
            #expect(severity == .critical)
        } else {
            Issue.record("95% inodes should open a critical alert")
        }
        #expect(decide(sample(inodes: [("/", 100, 10)]), .inodes) == .resolve(.inodes))
    }

    @Test func failedUnitsOpenAWarningNamingAtMostFive() {
        let one = decide(sample(failedUnits: ["nginx.service"]), .failedUnits)
        #expect(one == .open(.failedUnits, .warning, message: "web-01: 1 failed systemd unit: nginx.service", value: 1))
        let seven = (1...7).map { "unit\($0).service" }
        guard case .open(_, .warning, let message, let value) = decide(sample(failedUnits: seven), .failedUnits) else {
            Issue.record("seven failed units should open a warning")
            return
        }
        #expect(value == 7)
        #expect(message == "web-01: 7 failed systemd units: unit1.service, unit2.service, unit3.service, unit4.service, unit5.service and 2 more")
        #expect(decide(sample(failedUnits: []), .failedUnits) == .resolve(.failedUnits))
    }

    @Test func hostileUnitNamesAreCleanedAndCutInTheMessage() {
        let hostile = "evil\u{1B}[31m\u{202E}<script>\u{0}" + String(repeating: "x", count: 500) + ".service"
        guard case .open(_, _, let message, _) = decide(sample(failedUnits: [hostile]), .failedUnits) else {
            Issue.record("a failed unit should open the alert")
            return
        }
        #expect(!message.unicodeScalars.contains { HostText.isUnsafe($0) })
        #expect(message.utf8.count < 200)
        #expect(message.hasSuffix("…"))
    }

    @Test func containersThatExitedBadlyOrRestartOpenAWarning() {
        let running = ContainerInfo(name: "web", image: "nginx", state: "running", restartCount: 0)
        let cleanExit = ContainerInfo(name: "job", image: "busybox", state: "exited", exitCode: 0)
        #expect(decide(sample(containers: [running, cleanExit]), .container) == .resolve(.container))
        #expect(decide(sample(containers: []), .container) == .resolve(.container))

        let failed = ContainerInfo(name: "api", image: "app:1", state: "exited", exitCode: 3)
        let looping = ContainerInfo(name: "worker", image: "app:1", state: "restarting", restartCount: 12)
        #expect(
            decide(sample(containers: [running, failed, looping]), .container)
                == .open(.container, .warning, message: "web-01: 2 unhealthy containers: api (exited with code 3), worker (restarting)", value: 2))
    }

    @Test func restartsAreCountedSinceThePreviousSample() {
        let now = ContainerInfo(name: "web", image: "nginx", state: "running", restartCount: 9)
        let before = ContainerInfo(name: "web", image: "nginx", state: "running", restartCount: 5)
        #expect(
            decide(sample(containers: [now]), previous: [before], .container)
                == .open(.container, .warning, message: "web-01: 1 unhealthy container: web (restarted 4 times since the previous sample)", value: 1))
        let few = ContainerInfo(name: "web", image: "nginx", state: "running", restartCount: 8)
        #expect(decide(sample(containers: [few]), previous: [before], .container) == .resolve(.container))
        // Without a previous sample the count alone says nothing.
        #expect(decide(sample(containers: [now]), previous: nil, .container) == .resolve(.container))
    }

    @Test func absentSectionsNeitherOpenNorResolve() {
        let decisions = evaluator.decisions(for: sample(), serverName: "web-01")
        for type in [AlertType.temperature, .inodes, .failedUnits, .container] {
            #expect(decision(type, in: decisions) == nil, "\(type) decided without data")
        }
        var nonFinite = sample()
        nonFinite[.temperatureCelsius] = .nan
        #expect(decide(nonFinite, .temperature) == nil)
    }

    @Test func thresholdsAreReadFromTheEnvironmentAndStoredSetsStillDecode() throws {
        let thresholds = try Thresholds(environment: [
            "THRESHOLD_TEMPERATURE_WARNING": "60", "THRESHOLD_TEMPERATURE_CRITICAL": "105", "THRESHOLD_INODES_CRITICAL": "95",
        ])
        #expect(thresholds.temperature == Threshold(warning: 60, critical: 105))
        #expect(thresholds.inodes == Threshold(warning: 80, critical: 95))
        #expect(Thresholds.defaults.temperature == Threshold(warning: 75, critical: 90))
        #expect(Thresholds.defaults.inodes == Threshold(warning: 80, critical: 90))
        #expect(throws: ConfigurationError.self) { try Thresholds(environment: ["THRESHOLD_TEMPERATURE_WARNING": "200"]) }
        #expect(throws: ConfigurationError.self) { try Thresholds(environment: ["THRESHOLD_INODES_WARNING": "101"]) }
        #expect(throws: ConfigurationError.self) { try Thresholds(environment: ["THRESHOLD_INODES_WARNING": "95"]) }

        let old = #"{"cpu":{"warning":70,"critical":90},"ram":{"warning":80,"critical":95},"disk":{"warning":92,"critical":97}}"#
        let decoded = try JSONDecoder().decode(Thresholds.self, from: Data(old.utf8))
        #expect(decoded.disk == Threshold(warning: 92, critical: 97))
        #expect(decoded.temperature == Thresholds.defaults.temperature)
        let roundTrip = try JSONDecoder().decode(Thresholds.self, from: JSONEncoder().encode(thresholds))
        #expect(roundTrip == thresholds)
    }

    @Test func perServerAndTagOverridesReachTheNewFigures() throws {
        let own = try ThresholdOverrides(environment: ["SERVER1_THRESHOLD_TEMPERATURE_WARNING": "85"], prefix: "SERVER1_")
        let rules = AlertRules(tagThresholds: ["db": ThresholdOverrides(["inodes": ["warning": 70]])])
        let server = ServerConfig(name: "db-01", host: "127.0.0.1", username: "u", tags: ["db"], thresholds: own)
        let resolved = rules.thresholds(for: server)
        #expect(resolved.temperature == Threshold(warning: 85, critical: 90))
        #expect(resolved.inodes == Threshold(warning: 70, critical: 90))
        #expect(throws: ConfigurationError.self) {
            try ThresholdOverrides(environment: ["SERVER1_THRESHOLD_TEMPERATURE_CRITICAL": "151"], prefix: "SERVER1_")
        }
    }

    @Test func temperatureAndInodesColourTheStatus() {
        let server = Server(id: 1, name: "web-01", host: "h", lastAttemptAt: Date(timeIntervalSince1970: 0))
        let classifier = StatusClassifier()
        let now = Date(timeIntervalSince1970: 60)
        let hot = classifier.classify(ServerSnapshot(server: server, latest: sample(temperature: 92)), now: now)
        #expect(hot.status == .critical && hot.temperature == .critical)
        let full = classifier.classify(ServerSnapshot(server: server, latest: sample(inodes: [("/", 100, 85)])), now: now)
        #expect(full.status == .warning && full.inodes == .warning)
        let unitsOnly = classifier.classify(ServerSnapshot(server: server, latest: sample(failedUnits: ["a.service"])), now: now)
        #expect(unitsOnly.status == .healthy)
    }
}

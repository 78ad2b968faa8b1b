import Foundation
import Testing

@testable import DashboardCore

/// Status colours from thresholds and the offline rule.
@Suite struct StatusClassifierTests {
    private let now = Date(timeIntervalSince1970: 1_764_084_313)
    private let interval: TimeInterval = 15 * 60

    private func snapshot(
        cpu: Double? = 10, ram: Double? = 10, disk: Double? = 10, age: TimeInterval = 60, lastError: CollectionFailure? = nil, attemptAge: TimeInterval? = nil
    ) -> ServerSnapshot {
        let collectedAt = now.addingTimeInterval(-age)
        var filesystems: [FilesystemUsage] = []
        if let disk {
            filesystems = [
                FilesystemUsage(
                    mountPoint: "/", device: "/dev/sda1", sizeBytes: 10_000, usedBytes: Int64(disk * 100), availableBytes: 10_000 - Int64(disk * 100))
            ]
        }
        let sample = MetricSample(
            collectedAt: collectedAt, cpuPercent: cpu,
            memoryTotalBytes: ram == nil ? nil : 10_000, memoryAvailableBytes: ram.map { 10_000 - Int64($0 * 100) },
            filesystems: filesystems
        )
        let server = Server(id: 1, name: "web", host: "h", lastAttemptAt: now.addingTimeInterval(-(attemptAge ?? age)), lastError: lastError)
        return ServerSnapshot(server: server, latest: sample)
    }

    @Test(arguments: [
        (69.99, MetricStatus.normal), (70, .warning), (89.99, .warning), (90, .critical), (100, .critical), (0, .normal),
    ])
    func cpuThresholdEdges(_ cpu: Double, _ expected: MetricStatus) {
        let report = StatusClassifier().classify(snapshot(cpu: cpu), now: now)
        #expect(report.cpu == expected)
        #expect(report.status == (expected == .normal ? .healthy : expected == .warning ? .warning : .critical))
    }

    @Test(arguments: [(79.99, MetricStatus.normal), (80, .warning), (94.99, .warning), (95, .critical)])
    func ramThresholdEdges(_ ram: Double, _ expected: MetricStatus) {
        #expect(StatusClassifier().classify(snapshot(ram: ram), now: now).ram == expected)
    }

    @Test(arguments: [(79.99, MetricStatus.normal), (80, .warning), (89.99, .warning), (90, .critical)])
    func diskThresholdEdges(_ disk: Double, _ expected: MetricStatus) {
        #expect(StatusClassifier().classify(snapshot(disk: disk), now: now).disk == expected)
    }

    @Test func theWorstMetricGivesTheStatus() {
        let report = StatusClassifier().classify(snapshot(cpu: 75, ram: 50, disk: 95), now: now)
        #expect(report == StatusReport(status: .critical, cpu: .warning, ram: .normal, disk: .critical))
        let missing = StatusClassifier().classify(snapshot(cpu: nil, ram: nil, disk: nil), now: now)
        #expect(missing == StatusReport(status: .healthy, cpu: .normal, ram: .normal, disk: .normal))
    }

    @Test func loadPerCoreStandsInForMissingUtilisation() {
        let sample = MetricSample(collectedAt: now, load1: 3.6, cpuCores: 4)
        #expect(StatusClassifier.cpuFigure(of: sample) == 90)
        #expect(StatusClassifier.cpuFigure(of: MetricSample(collectedAt: now, load1: 3.6, cpuCores: 0)) == nil)
        #expect(StatusClassifier.cpuFigure(of: MetricSample(collectedAt: now, load1: 3.6, cpuPercent: 12, cpuCores: 4)) == 12)
    }

    @Test func offlineAfterTwiceTheIntervalWithoutASample() {
        let classifier = StatusClassifier(collectionInterval: interval)
        #expect(!classifier.isOffline(snapshot(age: 2 * interval), now: now))
        #expect(classifier.isOffline(snapshot(age: 2 * interval + 1), now: now))
        let stale = classifier.classify(snapshot(cpu: 95, age: 2 * interval + 1), now: now)
        #expect(stale.status == .offline)
        #expect(stale.cpu == .critical, "the metric statuses of the last sample are still given")
    }

    @Test func aFailedLastAttemptIsOffline() {
        let classifier = StatusClassifier(collectionInterval: interval)
        let failure = CollectionFailure(kind: .timeout, message: "probe timed out after 30 s")
        // The failure came after the sample.
        #expect(classifier.classify(snapshot(age: 600, lastError: failure, attemptAge: 30), now: now).status == .offline)
        // A failure older than the sample no longer counts.
        #expect(classifier.classify(snapshot(age: 30, lastError: failure, attemptAge: 600), now: now).status == .healthy)
    }

    @Test func noSampleAtAllIsOffline() {
        let snapshot = ServerSnapshot(server: Server(id: 1, name: "new", host: "h"), latest: nil)
        #expect(StatusClassifier().classify(snapshot, now: now) == StatusReport(status: .offline, cpu: .normal, ram: .normal, disk: .normal))
    }

    @Test func nonFiniteFiguresAreNormal() {
        #expect(Threshold(warning: 1, critical: 2).classify(.nan) == .normal)
        #expect(Threshold(warning: 1, critical: 2).classify(.infinity) == .normal)
        #expect(Threshold(warning: 1, critical: 2).classify(nil) == .normal)
    }

    // MARK: - Environment

    @Test func environmentOverridesTheDefaults() throws {
        let thresholds = try Thresholds(environment: [
            "THRESHOLD_CPU_WARNING": "60", "THRESHOLD_CPU_CRITICAL": " 85.5 ",
            "THRESHOLD_DISK_CRITICAL": "99", "THRESHOLD_RAM_WARNING": "",
        ])
        #expect(thresholds.cpu == Threshold(warning: 60, critical: 85.5))
        #expect(thresholds.ram == Thresholds.defaults.ram)
        #expect(thresholds.disk == Threshold(warning: 80, critical: 99))
        #expect(try Thresholds(environment: [:]) == .defaults)
        #expect(StatusClassifier(thresholds: thresholds).classify(snapshot(cpu: 61), now: now).cpu == .warning)
    }

    @Test(arguments: [
        ("THRESHOLD_CPU_WARNING", "high"), ("THRESHOLD_RAM_CRITICAL", "101"), ("THRESHOLD_DISK_WARNING", "-1"),
        ("THRESHOLD_CPU_CRITICAL", "nan"), ("THRESHOLD_RAM_WARNING", "inf"), ("THRESHOLD_DISK_CRITICAL", "80%"),
    ])
    func aBadValueNamesItsKey(_ key: String, _ value: String) {
        #expect {
            try Thresholds(environment: [key: value])
        } throws: { error in
            (error as? ConfigurationError)?.key == key && (error as? ConfigurationError)?.message.contains(value) == true
        }
    }

    @Test func aWarningAboveItsCriticalLevelNamesTheWarningKey() {
        #expect(throws: ConfigurationError(key: "THRESHOLD_DISK_WARNING", message: "warning level 95.0 is above THRESHOLD_DISK_CRITICAL=90.0")) {
            try Thresholds(environment: ["THRESHOLD_DISK_WARNING": "95"])
        }
    }
}

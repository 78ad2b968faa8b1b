import Foundation
import Testing

@testable import DashboardCore

@Suite struct AnomalyModelTests {
    static let start = Date(timeIntervalSince1970: 1_764_000_000)
    static let interval = 900.0

    /// `count` samples of a steady server every 15 minutes, with a daily cycle and normal noise;
    /// `shape` may change any of them.
    static func history(count: Int, seed: UInt64 = 1, swap: Bool = true, shape: (Int, inout MetricSample) -> Void = { _, _ in }) -> [MetricSample] {
        var random = AnomalyRandom(seed: seed)
        var received: Int64 = 1_000_000_000
        var sent: Int64 = 500_000_000
        return (0..<count).map { index in
            let hour = Double(index % 96) / 4
            let daily = sin(hour / 24 * 2 * .pi)
            let noise = { (spread: Double) in spread * AnomalyForestTests.normal(&random) }
            received += Int64(900 * (200_000 + 50_000 * daily + noise(10_000)))
            sent += Int64(900 * (80_000 + noise(5_000)))
            let swapFree: Int64 = (2 << 30) - Int64(abs(noise(32 * 1_048_576)))
            var sample = MetricSample(
                collectedAt: start.addingTimeInterval(Double(index) * interval),
                load1: max(0, 0.8 + 0.4 * daily + noise(0.1)), cpuPercent: 30 + 10 * daily + noise(2), cpuCores: 4,
                memoryTotalBytes: 8 << 30, memoryAvailableBytes: (4 << 30) + Int64(noise(64 * 1_048_576)),
                swapTotalBytes: swap ? 2 << 30 : nil, swapFreeBytes: swap ? swapFree : nil,
                filesystems: [Self.root(used: (40 << 30) + Int64(index) << 20)],
                tcpConnections: 45 + Int(noise(3).rounded()), networkReceiveBytes: received, networkTransmitBytes: sent,
                uptimeSeconds: 1_000_000 + Double(index) * interval, processCount: 184 + Int(noise(2).rounded()))
            sample[.diskReadBytesPerSecond] = max(0, 50_000 + noise(8_000))
            sample[.diskWriteBytesPerSecond] = max(0, 120_000 + noise(15_000))
            shape(index, &sample)
            return sample
        }
    }

    /// A 100 GiB root filesystem with `used` bytes in use.
    static func root(used: Int64) -> FilesystemUsage {
        FilesystemUsage(mountPoint: "/", device: "/dev/sda1", sizeBytes: 100 << 30, usedBytes: used, availableBytes: (100 << 30) - used)
    }

    @Test func featuresAreTheFlaggedCatalogueFiguresInOrder() {
        #expect(
            AnomalyFeatures.keys == [
                "cpu_percent", "load_1", "ram_percent", "swap_used_bytes", "disk_percent", "tcp_connections", "process_count",
                "net_rx_bytes_per_second", "net_tx_bytes_per_second", "disk_read_bytes_per_second", "disk_write_bytes_per_second",
            ])
        #expect(Set(AnomalyFeatures.keys).isSubset(of: Set(MetricCatalogue.all.map(\.id.key))))
    }

    @Test func networkRatesComeFromThePreviousSample() throws {
        let rx = try #require(AnomalyFeatures.keys.firstIndex(of: "net_rx_bytes_per_second"))
        let tx = try #require(AnomalyFeatures.keys.firstIndex(of: "net_tx_bytes_per_second"))
        let cpu = try #require(AnomalyFeatures.keys.firstIndex(of: "cpu_percent"))
        let previous = MetricSample(collectedAt: Self.start, networkReceiveBytes: 1_000, networkTransmitBytes: 5_000, uptimeSeconds: 100)
        var sample = MetricSample(
            collectedAt: Self.start.addingTimeInterval(300), cpuPercent: 12.5, networkReceiveBytes: 31_000, networkTransmitBytes: 5_600,
            uptimeSeconds: 400)
        var vector = AnomalyFeatures.vector(sample, previous: previous)
        #expect(vector.count == AnomalyFeatures.keys.count)
        #expect(vector[rx] == 100)
        #expect(vector[tx] == 2)
        #expect(vector[cpu] == 12.5)
        #expect(AnomalyFeatures.vector(sample, previous: nil)[rx].isNaN)
        // A counter that went backwards, a reboot, a gap over an hour, the same instant: no rate.
        sample.networkReceiveBytes = 10
        vector = AnomalyFeatures.vector(sample, previous: previous)
        #expect(vector[rx].isNaN)
        #expect(vector[tx] == 2)
        sample.networkReceiveBytes = 31_000
        sample.uptimeSeconds = 50
        #expect(AnomalyFeatures.vector(sample, previous: previous)[rx].isNaN)
        sample.uptimeSeconds = 4_000
        sample.collectedAt = Self.start.addingTimeInterval(3_601)
        #expect(AnomalyFeatures.vector(sample, previous: previous)[rx].isNaN)
        sample.collectedAt = Self.start
        #expect(AnomalyFeatures.vector(sample, previous: previous)[rx].isNaN)
    }

    @Test func fewerThanTwoUsableSamplesGiveNoModel() {
        let samples = Self.history(count: 3)
        #expect(AnomalyModel.train(samples: [], seed: 1, now: Self.start) == nil)
        #expect(AnomalyModel.train(samples: [samples[0]], seed: 1, now: Self.start) == nil)
        let empty = MetricSample(collectedAt: Self.start)
        #expect(AnomalyModel.train(samples: [empty, empty, samples[0]], seed: 1, now: Self.start) == nil)
        let model = AnomalyModel.train(samples: [empty, samples[0], samples[1]], seed: 1, now: Self.start)
        #expect(model?.sampleCount == 2)
        #expect(model?.trainedAt == Self.start)
        #expect(model?.featureKeys == AnomalyFeatures.keys)
    }

    @Test func connectionStormScoresHighAndLeadsTheReasonWithItsTypicalValue() throws {
        let samples = Self.history(count: 1_344)
        let model = try #require(AnomalyModel.train(samples: samples, seed: 19, now: Self.start))
        #expect(model.sampleCount == 1_344)
        let trainingScores = (1..<samples.count).map { model.assess(samples[$0], previous: samples[$0 - 1]).score }.sorted()
        let percentile99 = trainingScores[trainingScores.count * 99 / 100]
        // One figure far beyond anything seen ranks above 99 % of the training samples.
        var alone = Self.history(count: 1_345).last!
        alone.tcpConnections = 2_000
        let aloneScore = model.assess(alone, previous: samples.last).score
        #expect(aloneScore > percentile99, "score \(aloneScore), 99th percentile \(percentile99)")
        // A storm: connections, CPU, load and traffic together.
        var storm = alone
        storm.cpuPercent = 85
        storm.load1 = 4
        storm.networkReceiveBytes = samples.last!.networkReceiveBytes! + 900 * 2_000_000
        let assessment = model.assess(storm, previous: samples.last)
        #expect(assessment.score > 0.65, "score \(assessment.score)")
        let first = try #require(assessment.reason.first)
        #expect(first.figure == "tcp_connections")
        #expect(first.value == 2_000)
        var connections = samples.compactMap(\.tcpConnections).map(Double.init).sorted()
        let median = (connections[671] + connections[672]) / 2
        #expect(first.typical == median)
        #expect(assessment.reason.count <= 3)
        connections.removeAll()

        // An ordinary moment: low score, nothing named.
        let ordinary = model.assess(samples[700], previous: samples[699])
        #expect(ordinary.score < 0.6 && ordinary.score < aloneScore, "score \(ordinary.score)")
        #expect(ordinary.reason.count <= 1)
    }

    @Test func reasonListsAtMostThreeFiguresFurthestFirst() throws {
        let samples = Self.history(count: 600)
        let model = try #require(AnomalyModel.train(samples: samples, seed: 3, now: Self.start))
        var sample = Self.history(count: 601).last!
        sample.cpuPercent = 99
        sample.processCount = 5_000
        sample.tcpConnections = 400
        sample.load1 = 60
        let reason = model.assess(sample, previous: samples.last).reason
        #expect(reason.map(\.figure) == ["process_count", "load_1", "tcp_connections"])
    }

    @Test func hostWithoutSwapTrainsAndScores() throws {
        let samples = Self.history(count: 400, swap: false)
        let model = try #require(AnomalyModel.train(samples: samples, seed: 5, now: Self.start))
        let swap = try #require(model.featureKeys.firstIndex(of: "swap_used_bytes"))
        #expect(model.typical[swap] == nil)
        let assessment = model.assess(samples[200], previous: samples[199])
        #expect(assessment.score.isFinite)
        #expect(!assessment.reason.contains { $0.figure == "swap_used_bytes" })
        // Swap that appears later is scored, not a crash.
        var later = samples[399]
        later.swapTotalBytes = 1 << 30
        later.swapFreeBytes = 0
        #expect(model.assess(later, previous: samples[398]).score.isFinite)
        // Swap configured but never used: a constant zero.
        let unused = Self.history(count: 400) { _, sample in sample.swapFreeBytes = sample.swapTotalBytes }
        let constant = try #require(AnomalyModel.train(samples: unused, seed: 5, now: Self.start))
        #expect(constant.typical[swap] == AnomalyModel.Typical(median: 0, spread: 1_048_576))
    }

    @Test func hostileFiguresNeverCrashTrainingOrScoring() throws {
        let hostile: [Double] = [.nan, .infinity, -.infinity, 1e300, -1e300, .greatestFiniteMagnitude, -0.0, .leastNonzeroMagnitude]
        let samples = Self.history(count: 300) { index, sample in
            let id = MetricCatalogue.all[index % MetricCatalogue.all.count].id
            sample.figures[id] = hostile[index % hostile.count]
            if index % 7 == 0 { sample.cpuPercent = nil }
            if index % 11 == 0 { sample.networkReceiveBytes = nil }
        }
        let model = try #require(AnomalyModel.train(samples: samples, seed: 9, now: Self.start))
        for (index, sample) in samples.enumerated() {
            let assessment = model.assess(sample, previous: index > 0 ? samples[index - 1] : nil)
            #expect(assessment.score.isFinite && (0...1).contains(assessment.score))
            #expect(assessment.reason.allSatisfy { $0.value.isFinite && $0.typical.isFinite })
        }
        #expect(model.assess(MetricSample(collectedAt: Self.start), previous: nil).score.isFinite)
        #expect(model.assess(vector: []).score.isFinite)
        #expect(model.assess(vector: Array(repeating: .nan, count: 40)).score.isFinite)
        // All hostile: nothing usable.
        let garbage = (0..<10).map { index in
            var sample = MetricSample(collectedAt: Self.start.addingTimeInterval(Double(index)))
            sample.figures[.cpuPercent] = index.isMultiple(of: 2) ? .nan : .infinity
            return sample
        }
        #expect(AnomalyModel.train(samples: garbage, seed: 1, now: Self.start) == nil)
    }

    @Test func sameSeedSameAssessmentAndJSONRoundTripKeepsIt() throws {
        let samples = Self.history(count: 500)
        let model = try #require(AnomalyModel.train(samples: samples, seed: 77, now: Self.start))
        let again = try #require(AnomalyModel.train(samples: samples, seed: 77, now: Self.start))
        let data = try JSONEncoder().encode(model)
        let decoded = try JSONDecoder().decode(AnomalyModel.self, from: data)
        #expect(decoded.featureKeys == model.featureKeys)
        #expect(decoded.typical == model.typical)
        #expect(decoded.sampleCount == 500)
        #expect(decoded.trainedAt == Self.start)
        var probe = samples[250]
        probe.cpuPercent = 97
        for (sample, previous) in [(probe, samples[249]), (samples[10], samples[9]), (samples[0], nil)] {
            let expected = model.assess(sample, previous: previous)
            #expect(again.assess(sample, previous: previous) == expected)
            #expect(decoded.assess(sample, previous: previous) == expected)
            #expect(decoded.assess(sample, previous: previous).score.bitPattern == expected.score.bitPattern)
        }
    }
}

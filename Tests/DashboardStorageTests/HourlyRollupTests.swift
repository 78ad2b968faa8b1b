import DashboardCore
import Foundation
import TestSupport
import Testing

@testable import DashboardStorage

@Suite(.tags(.postgres)) struct HourlyRollupTests {
    /// A whole hour since the epoch.
    static let hour = Date(timeIntervalSince1970: 1_764_003_600)

    /// Samples every 15 minutes (some a few minutes off) over 12 hours, with a CPU figure
    /// missing, a counter reset, a reboot and a three-hour gap, in a scrambled order.
    static func awkwardSamples() -> [MetricSample] {
        var samples: [MetricSample] = []
        var rx: Int64 = 5_000_000
        var tx: Int64 = 9_000_000
        var uptime = 100_000.0
        for index in 0..<48 {
            if (30..<42).contains(index) { continue }  // the gap
            let jitter = index % 5 == 0 ? 7.0 * 60 : 0
            let at = hour.addingTimeInterval(-3600 + Double(index) * 900 + jitter)
            rx += Int64(1_000 + index * 12_345)
            tx += Int64(500 + index * 777)
            uptime += 900
            if index == 13 { rx = 4_096 }  // counter reset, no reboot
            if index == 25 { rx = 1_000; tx = 2_000; uptime = 60 }  // reboot
            var sample = makeSample(at: at, cpu: Double((index * 37) % 100) + 0.25, rx: rx, tx: tx)
            sample.uptimeSeconds = uptime
            sample.load1 = Double(index % 7) / 3
            sample.loggedUsers = index % 4
            sample.processCount = 200 + index
            if index == 17 { sample.cpuPercent = nil }
            samples.append(sample)
        }
        // Deterministic scramble: out-of-order arrival must not change the result.
        return samples.enumerated().sorted { ($0.offset * 7919) % 41 < ($1.offset * 7919) % 41 }.map(\.element)
    }

    @Test func rollupAndSamplesGiveTheSameHistory() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        let samples = Self.awkwardSamples()
        for sample in samples {
            try await test.database.samples.store(sample, serverID: serverID)
        }
        // Storing one again changes nothing, in the samples or in the rollup.
        #expect(try await test.database.samples.store(samples[3], serverID: serverID) == nil)

        let stored = try await test.database.pool.query("SELECT count(*) AS hours, sum(samples) AS samples FROM server_metrics_hourly")
        #expect(try stored.first?.require("samples", as: Int.self) == samples.count)
        let hoursWithSamples = Set(samples.map { floor($0.collectedAt.timeIntervalSince1970 / 3600) }).count
        #expect(try stored.first?.require("hours", as: Int.self) == hoursWithSamples)

        try await expectBothPathsAgree(test, serverID: serverID)

        // Rebuilding from scratch (the backfill) gives exactly what the trigger kept up.
        let incremental = try await rollupRows(test)
        try await test.database.pool.query("SELECT server_metrics_hourly_rebuild()")
        #expect(try await rollupRows(test) == incremental)
    }

    @Test func bulkInsertsKeepTheRollupRight() async throws {
        let test = try await TestDatabase.make()
        let ids = try await test.addServers(2)
        // One statement, two servers, a counter reset in the middle.
        try await test.database.pool.query(
            """
            INSERT INTO server_metrics (server_id, collected_at, cpu_percent, load_1, net_rx_bytes, net_tx_bytes, uptime_seconds, logged_users)
            SELECT s, to_timestamp(1764003600 + g * 600), g % 50, g / 10.0,
                   CASE WHEN g < 40 THEN g * g * 1000 ELSE (g - 40) * 1000 END, g * 1000, 1000 + g * 600, g % 3
            FROM unnest(\([ids["srv-000"]!, ids["srv-001"]!])::bigint[]) s, generate_series(0, 99) g
            WHERE g % 7 <> 5
            """)
        // A late sample at :55, where :50 is missing: the :00 sample of the next hour now
        // follows it (and, its uptime being lower, gets no rate), so both hours change.
        try await test.database.samples.store(makeSample(at: Self.hour.addingTimeInterval(55 * 60), rx: 30_000), serverID: ids["srv-000"]!)
        for id in ids.values {
            try await expectBothPathsAgree(test, serverID: id)
        }
    }

    @Test func retentionKeepsRollupAndSamplesInStep() async throws {
        let test = try await TestDatabase.make()
        let serverID = try #require(try await test.addServers(1)["srv-000"])
        for minutes in stride(from: 0, to: 6 * 60, by: 15) {
            let at = Self.hour.addingTimeInterval(Double(minutes * 60))
            try await test.database.samples.store(makeSample(at: at, cpu: Double(minutes), rx: Int64(minutes) * 60_000), serverID: serverID)
        }
        // The cutoff falls inside the third hour, after its first two samples.
        let cutoff = Self.hour.addingTimeInterval(2 * 3600 + 20 * 60)
        let report = try await test.database.retention.deleteOldData(olderThan: cutoff, topUsersOlderThan: cutoff)
        #expect(report.samples == 10)
        #expect(report.hourlyRollups == 2)
        let left = try await test.database.pool.query("SELECT min(hour) AS first, sum(samples) AS samples FROM server_metrics_hourly")
        #expect(try left.first?.require("first", as: Date.self) == Self.hour.addingTimeInterval(2 * 3600))
        #expect(try left.first?.require("samples", as: Int.self) == 14)
        try await expectBothPathsAgree(test, serverID: serverID)
    }

    /// The rollup path must match the samples-only path over aligned and unaligned ranges and several steps.
    private func expectBothPathsAgree(_ test: TestDatabase, serverID: Int64, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let metrics = test.database.metrics
        let ranges: [(Date, Date)] = [
            (Self.hour.addingTimeInterval(-2 * 3600), Self.hour.addingTimeInterval(14 * 3600)),
            (Self.hour.addingTimeInterval(-3600 + 7 * 60), Self.hour.addingTimeInterval(10 * 3600 + 23 * 60 + 0.5)),
            (Self.hour.addingTimeInterval(2 * 3600 + 1), Self.hour.addingTimeInterval(5 * 3600)),
        ]
        for (from, to) in ranges {
            for step in [3600, 7200, 86_400] {
                #expect(MetricsRepository.wholeHours(from: from, to: to, step: step) != nil, sourceLocation: sourceLocation)
                let fromRollup = try await metrics.history(serverID: serverID, from: from, to: to, step: step)
                let fromSamples = try await metrics.sampleHistory(serverID: serverID, from: from, to: to, step: step)
                #expect(!fromSamples.isEmpty, sourceLocation: sourceLocation)
                expectSame(fromRollup, fromSamples, "\(from)…\(to) step \(step)", sourceLocation: sourceLocation)
            }
        }
    }

    private func expectSame(_ left: [HistoryBucket], _ right: [HistoryBucket], _ label: String, sourceLocation: SourceLocation) {
        #expect(left.map(\.start) == right.map(\.start), "\(label)", sourceLocation: sourceLocation)
        #expect(left.map(\.samples) == right.map(\.samples), "\(label)", sourceLocation: sourceLocation)
        // Every figure the catalogue keeps in history.
        for (a, b) in zip(left, right) {
            for figure in MetricCatalogue.history {
                let name = figure.id.key
                let x = a[figure.id]
                let y = b[figure.id]
                #expect(close(x.avg, y.avg) && close(x.max, y.max), "\(label) \(a.start) \(name): \(x) vs \(y)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Equal up to floating-point rounding (sums are added in a different order).
    private func close(_ x: Double?, _ y: Double?) -> Bool {
        switch (x, y) {
        case (nil, nil): return true
        case let (x?, y?): return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
        default: return false
        }
    }

    private func rollupRows(_ test: TestDatabase) async throws -> [String] {
        let result = try await test.database.pool.query("SELECT h::text AS row FROM server_metrics_hourly h ORDER BY server_id, hour")
        return try result.rows.map { try $0.require("row") }
    }
}

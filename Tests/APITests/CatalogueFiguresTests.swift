import DashboardCore
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// A figure described in the metric catalogue reaches every place the api serves figures
/// (docs/adding-a-metric.md): the server detail, history and its CSV, and `/metrics`. Shown with
/// the figures added through the catalogue, stored by the collector's own repository.
@Suite(.tags(.postgres)) struct CatalogueFiguresTests {
    /// The figures the catalogue added and the value `makeSample` gives them on the healthy
    /// server's latest sample (CPU 14 %).
    static let added: [(key: String, family: String, value: Double)] = [
        ("cpu_user_percent", "server_dashboard_cpu_user_percent", 8.4), ("cpu_system_percent", "server_dashboard_cpu_system_percent", 4.2),
        ("cpu_iowait_percent", "server_dashboard_cpu_iowait_percent", 1.5), ("cpu_steal_percent", "server_dashboard_cpu_steal_percent", 0.4),
        ("disk_read_bytes_per_second", "server_dashboard_disk_read_bytes_per_second", 1_048_576),
        ("disk_write_bytes_per_second", "server_dashboard_disk_write_bytes_per_second", 262_144),
    ]

    @Test func addedFiguresAreServedEverywhere() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (status, _, body) = try await client.get("/api/servers/\(SeededFleet.healthy)")
            #expect(status == .ok)
            let detail = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            let latest = try #require(detail["latest"] as? [String: Any])
            for figure in Self.added {
                let served = try #require(latest[figure.key] as? Double, "\(figure.key) missing from latest")
                #expect(abs(served - figure.value) < 1e-9, "\(figure.key): \(served)")
            }
            // Every catalogue figure on samples is a key of `latest`, null or not.
            #expect(Set(MetricCatalogue.onSample.map(\.id.key)).isSubset(of: Set(latest.keys)))

            let from = Timestamp.format(Date().addingTimeInterval(-7200))
            let (_, _, historyBody) = try await client.get("/api/servers/\(SeededFleet.healthy)/metrics/history?from=\(from)&step=900")
            let history = try #require(try JSONSerialization.jsonObject(with: historyBody) as? [String: Any])
            let buckets = try #require(history["buckets"] as? [[String: Any]])
            #expect(buckets.count == 5)
            for figure in Self.added {
                let aggregate = try #require(buckets.last?[figure.key] as? [String: Any], "\(figure.key) missing from history")
                let average = try #require(aggregate["avg"] as? Double)
                #expect(abs(average - figure.value) < 1e-6, "\(figure.key) average \(average)")
            }

            let (_, _, csvBody) = try await client.get("/api/servers/\(SeededFleet.healthy)/metrics/history.csv?from=\(from)&step=900")
            // The CSV starts with a byte-order mark, for spreadsheets.
            let csvText = String(decoding: csvBody, as: UTF8.self)
            #expect(csvText.hasPrefix("\u{FEFF}"))
            let csv = String(csvText.dropFirst()).split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map(String.init) }
            let header = try #require(csv.first)
            #expect(header == ["bucket_start", "samples"] + MetricCatalogue.history.flatMap { ["\($0.id.key)_avg", "\($0.id.key)_max"] })
            // The columns of figures older than the catalogue keep their places.
            #expect(Array(header.prefix(4)) == ["bucket_start", "samples", "cpu_percent_avg", "cpu_percent_max"])
            let last = try #require(csv.last)
            for figure in Self.added {
                let column = try #require(header.firstIndex(of: "\(figure.key)_avg"))
                #expect(abs((Double(last[column]) ?? .nan) - figure.value) < 1e-6, "\(figure.key) in the CSV: \(last[column])")
            }

            let (_, _, metricsBody) = try await client.get("/metrics")
            let metrics = String(decoding: metricsBody, as: UTF8.self)
            for figure in Self.added {
                #expect(metrics.contains("# TYPE \(figure.family) gauge\n"), "\(figure.family) not declared")
                #expect(metrics.contains("# HELP \(figure.family) "), "\(figure.family) has no HELP")
                let line = try #require(
                    metrics.split(separator: "\n").first { $0.hasPrefix("\(figure.family){server=\"\(SeededFleet.healthy)\"}") },
                    "\(figure.family) not exported")
                let value = try #require(Double(line.split(separator: " ").last.map(String.init) ?? ""))
                #expect(abs(value - figure.value) < 1e-9, "\(figure.family): \(value)")
            }
        }
    }
}

import Foundation
import Testing

@testable import DashboardCore

/// The metric catalogue's rules (docs/adding-a-metric.md): one description per figure, names
/// that cannot collide, and figures added through it spelled in at most four source files.
@Suite struct MetricCatalogueTests {
    @Test func keysAndNamesAreUniqueAndWellFormed() {
        let keys = MetricCatalogue.all.map(\.id.key)
        #expect(Set(keys).count == keys.count, "a key is described twice")
        for key in keys {
            #expect(key.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } && key.first?.isLetter == true, "\(key) is not snake_case")
        }
        let families = MetricCatalogue.prometheus.compactMap(\.prometheus)
        #expect(Set(families.map(\.name)).count == families.count)
        for family in families {
            #expect(family.name.hasPrefix("server_dashboard_"))
            #expect(family.isCounter == family.name.hasSuffix("_total"), "\(family.name): counters, and only counters, end in _total")
        }
        let prefixes = MetricCatalogue.history.compactMap(\.history?.rollupPrefix)
        #expect(Set(prefixes).count == prefixes.count, "two figures share rollup columns")
        for descriptor in MetricCatalogue.all {
            #expect(!descriptor.label.isEmpty && descriptor.help.hasSuffix("."), "\(descriptor.id): a label and a one-sentence help")
        }
    }

    @Test func everyRateCountsAStoredFigureAndEveryChartHasLines() throws {
        for descriptor in MetricCatalogue.all {
            if case .rate(let counter, _) = descriptor.source {
                let source = try #require(MetricCatalogue.descriptor(counter), "\(descriptor.id) rates an unknown figure")
                #expect(source.isStored)
            }
        }
        #expect(
            MetricCatalogue.charts.map(\.chart.id) == [
                "chart-cpu", "chart-ram", "chart-disk", "chart-net", "chart-cpu-time", "chart-disk-io", "chart-temperature",
            ])
        #expect(MetricCatalogue.charts.allSatisfy { !$0.lines.isEmpty })
        #expect(MetricCatalogue.historyPosition.count == MetricCatalogue.history.count)
    }

    @Test func derivedFiguresComeFromTheSample() {
        var sample = MetricSample(collectedAt: Date(timeIntervalSince1970: 0), memoryTotalBytes: 8_000, memoryAvailableBytes: 2_000)
        sample.swapTotalBytes = 1_000
        sample.swapFreeBytes = 250
        sample.filesystems = [FilesystemUsage(mountPoint: "/", device: "/dev/vda1", sizeBytes: 100, usedBytes: 40, availableBytes: 60)]
        #expect(MetricCatalogue.descriptor(.ramPercent)?.value(in: sample) == 75)
        #expect(MetricCatalogue.descriptor(.swapUsedBytes)?.value(in: sample) == 750)
        #expect(MetricCatalogue.descriptor(.diskPercent)?.value(in: sample) == 40)
        #expect(MetricCatalogue.descriptor(.networkReceiveRate)?.value(in: sample) == nil)
        #expect(sample.ramPercent == 75 && sample.swapUsedBytes == 750)
        sample[.cpuStealPercent] = .nan
        #expect(sample[.cpuStealPercent] == nil, "a figure that is not a number is not kept")
    }

    @Test func samplesSpooledBeforeTheCatalogueAreStillRead() throws {
        let old = #"{"collectedAt":786240000,"load1":0.5,"cpuPercent":12.5,"memoryTotalBytes":8000,"tcpConnections":7,"filesystems":[],"users":[]}"#
        let sample = try JSONDecoder().decode(MetricSample.self, from: Data(old.utf8))
        #expect(sample.load1 == 0.5 && sample.cpuPercent == 12.5 && sample.memoryTotalBytes == 8000 && sample.tcpConnections == 7)
        var current = sample
        current[.diskWriteBytesPerSecond] = 4096
        let again = try JSONDecoder().decode(MetricSample.self, from: try JSONEncoder().encode(current))
        #expect(again == current)
    }

    /// Figures that predate the catalogue; the status rules, seed records and parser still name them.
    private static let olderFigures: Set<String> = [
        "cpu_percent", "cpu_cores", "load_1", "load_5", "load_15", "memory_total_bytes", "memory_available_bytes", "ram_percent",
        "swap_total_bytes", "swap_free_bytes", "swap_used_bytes", "disk_percent", "logged_users", "tcp_connections", "process_count",
        "uptime_seconds", "net_rx_bytes", "net_tx_bytes", "net_rx_bytes_per_second", "net_tx_bytes_per_second",
    ]

    /// Files that spell a figure's name for another figure of the same name, which the contract
    /// fixes: the filesystem record's own `inodes_percent` (one filesystem's inode use, beside its
    /// `used_percent`) and the server page's column showing it. The catalogue figure is the
    /// highest of these; the per-filesystem value itself is defined beside it (HealthFigures.swift).
    private static let sameNameOtherFigure: [String: Set<String>] = [
        "inodes_percent": ["DashboardWire/ServerRecords.swift", "FrontendRenderer/Controllers/ServerView+Deeper.swift"]
    ]

    /// A figure added through the catalogue is spelled (its key or its Swift name) in at most
    /// four places under Sources/: its entry, its parser section, the migrations, openapi.json.
    /// The migrations count as one place: each one that adds a history figure redefines the rollup
    /// functions listing every earlier figure (docs/adding-a-metric.md, "The migration").
    @Test func newFiguresLiveInAtMostFourSourceFiles() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        var texts: [(path: String, text: String)] = []
        let walker = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        for case let url as URL in walker where ["swift", "sql", "json", "sh", "js", "css"].contains(url.pathExtension) {
            texts.append((url.path, try String(contentsOf: url, encoding: .utf8)))
        }
        #expect(texts.count > 100)
        let newer = MetricCatalogue.all.filter { !Self.olderFigures.contains($0.id.key) }
        #expect(newer.count >= 6)
        for descriptor in newer {
            let key = descriptor.id.key
            let parts = key.split(separator: "_")
            let swiftName = String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            let allowed = Self.sameNameOtherFigure[key, default: []]
            let files = texts.filter { $0.text.contains(key) || $0.text.contains(swiftName) }.map(\.path)
                .filter { path in !allowed.contains { path.hasSuffix("/" + $0) } }
            let places = Set(files.map { $0.contains("/DashboardStorage/Migrations/") && $0.hasSuffix(".sql") ? "migrations" : $0 })
            #expect(places.count <= 4, "\(key) is spelled in \(places.count) places: \(files)")
            #expect(files.contains { $0.hasSuffix("openapi.json") }, "\(key) is not documented in openapi.json")
        }
    }
}

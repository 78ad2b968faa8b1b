import DashboardCore
import DashboardStorage
import Foundation
import Logging
import TestTags

/// Shared by the test targets: real services started by `make test`, never mocks.
///
/// A fresh, migrated database of its own for one test, on the PostgreSQL that
/// `make test` starts (scripts/test-postgres.sh). Never a mock.
public struct TestDatabase: Sendable {
    /// The storage API over this test's own database.
    public let database: Database
    /// The connection URL of this test's database.
    public let url: String
    /// The database's name: `sd_test_` and 32 hex digits.
    public let name: String

    /// The logger test databases and their pools write to (label `tests`).
    public static let logger = Logger(label: "tests")

    /// The test cluster's URL; tests fail (not skip) without it.
    public static func baseURL() throws -> String {
        expectTag(.postgres, using: "the PostgreSQL test cluster")
        guard let url = ProcessInfo.processInfo.environment["SD_TEST_DATABASE_URL"], !url.isEmpty else {
            throw TestEnvironmentError("SD_TEST_DATABASE_URL is not set: run the tests through `make test`, which starts PostgreSQL")
        }
        return url
    }

    /// Creates an empty database named after the test and returns a migrated `Database` on it.
    public static func make(migrate: Bool = true, poolSize: Int = 4) async throws -> TestDatabase {
        let base = try baseURL()
        let name = "sd_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = ConnectionPool(configuration: DatabaseConfiguration(connectionString: base, poolSize: 1), logger: logger)
        try await admin.query("CREATE DATABASE \(unsafeRaw: name)")
        await admin.close()
        let url = replacingDatabase(in: base, with: name)
        let database = Database(configuration: DatabaseConfiguration(connectionString: url, poolSize: poolSize), logger: logger)
        if migrate { try await database.migrate(logger: logger) }
        return TestDatabase(database: database, url: url, name: name)
    }

    /// `url` with its database name (what follows the last `/`) replaced by `name`, any `?` query kept.
    public static func replacingDatabase(in url: String, with name: String) -> String {
        guard let slash = url.lastIndex(of: "/") else { return url }
        let rest = url[url.index(after: slash)...]
        let query = rest.firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        return String(url[...slash]) + name + query
    }

    /// Inserts servers named `prefix-000`, `prefix-001`, … and returns their ids by name.
    @discardableResult
    public func addServers(_ count: Int, prefix: String = "srv") async throws -> [String: Int64] {
        let inventory = (0..<count).map { ServerConfig(name: String(format: "\(prefix)-%03d", $0), host: "127.0.0.1", username: "u", password: Secret("p")) }
        return try await database.servers.sync(inventory: inventory)
    }
}

/// The test environment lacks something the tests need (a variable, a service, a file): the test fails, never skips.
public struct TestEnvironmentError: Error, CustomStringConvertible {
    /// What is missing, and how to provide it where that is known.
    public let description: String
    /// Creates an error with this explanation.
    public init(_ description: String) { self.description = description }
}

/// A full sample with every figure set, for round trips.
public func makeSample(
    at date: Date, cpu: Double = 12.5, ram: (total: Int64, available: Int64) = (16_000_000_000, 4_000_000_000), rootUsed: Int64 = 40, rx: Int64 = 1_000,
    tx: Int64 = 2_000
) -> MetricSample {
    var sample = MetricSample(
        collectedAt: date, load1: 0.52, load5: 0.58, load15: 0.61, cpuPercent: cpu, cpuCores: 4,
        memoryTotalBytes: ram.total, memoryAvailableBytes: ram.available, swapTotalBytes: 2_147_483_648, swapFreeBytes: 1_073_741_824,
        filesystems: [
            FilesystemUsage(mountPoint: "/", device: "/dev/vda1", fsType: "ext4", sizeBytes: 100, usedBytes: rootUsed, availableBytes: 100 - rootUsed),
            FilesystemUsage(mountPoint: "/mnt/my disk", device: "/dev/vdb1", fsType: "xfs", sizeBytes: 1_000, usedBytes: 900, availableBytes: 100),
        ],
        loggedUsers: 3, tcpConnections: 42, networkReceiveBytes: rx, networkTransmitBytes: tx,
        uptimeSeconds: 12_345.67, processCount: 234, osName: "Debian GNU/Linux 12 (bookworm)", kernel: "6.1.0-18-amd64", hostname: "web-01",
        users: [
            UserActivity(username: "alice", cpuPercent: 55.5, memoryPercent: 10.25, processCount: 12, topProcess: "postgres", homeBytes: 1_048_576),
            UserActivity(username: "bob", cpuPercent: 5, memoryPercent: 1.5, processCount: 3, topProcess: nil, homeBytes: nil),
        ]
    )
    // The figures the catalogue added (docs/adding-a-metric.md).
    sample[.cpuUserPercent] = cpu * 0.6
    sample[.cpuSystemPercent] = cpu * 0.3
    sample[.cpuIowaitPercent] = 1.5
    sample[.cpuStealPercent] = 0.4
    sample[.diskReadBytesPerSecond] = 1_048_576
    sample[.diskWriteBytesPerSecond] = 262_144
    return sample
}

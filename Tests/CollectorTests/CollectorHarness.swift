import DashboardCore
import DashboardStorage
import Foundation
import Logging
import RemoteExec
import TestSupport

@testable import Collector

/// A collector wired to a fresh test database and the sshd test hosts.
struct CollectorHarness {
    let test: TestDatabase
    let hosts: TestHosts
    let logger = Logger(label: "collector-tests")
    /// This harness's own spool folder (SPOOL_DIR), so no test replays another's.
    let spoolDirectory = NSTemporaryDirectory() + "sd-spool-" + UUID().uuidString.prefix(8)

    static func make() async throws -> CollectorHarness {
        CollectorHarness(test: try await TestDatabase.make(), hosts: try TestHosts.load())
    }

    /// Settings for tests: short timeouts and backoff so failures are quick.
    func settings(_ overrides: [String: String] = [:]) throws -> CollectorSettings {
        var environment = [
            "KNOWN_HOSTS_FILE": hosts.knownHosts, "CONNECT_TIMEOUT_SECONDS": "3", "PROBE_TIMEOUT_SECONDS": "15",
            "COLLECT_RETRY_BACKOFF_MS": "20", "COLLECT_CONCURRENCY": "32", "SPOOL_DIR": spoolDirectory,
        ]
        environment.merge(overrides) { _, override in override }
        return try CollectorSettings(environment: environment)
    }

    /// A test host logging in with the ed25519 key under `name`.
    func server(_ name: String, host index: Int = 0, configure: (inout ServerConfig) -> Void = { _ in }) -> ServerConfig {
        var server = hosts.server(index)
        server.name = name
        configure(&server)
        return server
    }

    /// Runs one collection over `servers` with the real probe (or `script`), into this
    /// harness's database or the one at `databaseURL`.
    func run(
        _ servers: [ServerConfig], settings: CollectorSettings? = nil, script: [UInt8] = ProbeScript.bytes, problems: [InventoryProblem] = [],
        stop: StopSignal = StopSignal(), databaseURL: String? = nil
    ) async throws -> RunReport {
        let coordinator = try coordinator(settings: settings, script: script, databaseURL: databaseURL)
        return try await coordinator.run(inventory: Inventory(servers: servers, problems: problems), shard: nil, stop: stop) { _ in }
    }

    /// A coordinator as `collector run` builds one.
    func coordinator(settings: CollectorSettings? = nil, script: [UInt8] = ProbeScript.bytes, databaseURL: String? = nil) throws -> CollectionCoordinator {
        let settings = try settings ?? self.settings()
        let runner = TransportRunner(settings: settings.ssh, maximumConcurrentConnections: settings.concurrency, logger: logger)
        let collector = ServerCollector(
            runner: runner, script: script, attempts: settings.attempts, retryBackoff: settings.retryBackoff, probeTimeout: settings.probeTimeout)
        let configuration = DatabaseConfiguration(connectionString: databaseURL ?? test.url)
        let database = databaseURL.map { _ in Database(configuration: configuration, logger: logger) } ?? test.database
        return CollectionCoordinator(database: database, databaseConfiguration: configuration, collector: collector, settings: settings, logger: logger)
    }

    /// One integer from SQL.
    func count(_ query: SQLQuery) async throws -> Int {
        try await test.database.pool.query(query).first?.require("n") ?? -1
    }

    /// The line of the report for `name`.
    func line(_ report: RunReport, _ name: String) -> RunReport.ServerLine? {
        report.servers.first { $0.serverName == name }
    }
}

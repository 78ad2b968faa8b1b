import ArgumentParser
import DashboardCore
import DashboardStorage
import Foundation
import RemoteExec

/// `collector run --once`: one collection run over the inventory (docs/collector.md).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Probe every server in the inventory once and store the results.",
        discussion: """
            Prints a line per server as it finishes and a summary (or, with --json, one JSON \
            document). Exit status: 0 every server collected, 1 some failed or were skipped, \
            2 the run could not happen (configuration, or another run in progress) or PostgreSQL \
            was unavailable — then every server is still collected and its result kept in the \
            spool (SPOOL_DIR), which the next run stores first — 143 stopped by SIGTERM/SIGINT \
            (servers already collected are kept).
            """
    )

    @OptionGroup var common: CommonOptions

    @Flag(help: "Run once and exit (the only mode: scheduling is cron's or Kubernetes' job).")
    var once = false

    @Flag(help: "Print one JSON document instead of progress lines.")
    var json = false

    @Option(help: "Servers probed at once (overrides COLLECT_CONCURRENCY).")
    var concurrency: Int?

    @Option(help: "Collect only shard i of n (e.g. 2/4), by a stable hash of the server name.")
    var shard: String?

    func validate() throws {
        guard once else { throw ValidationError("pass --once: the collector runs one collection and exits (cron schedules it)") }
        if let shard, Shard(shard) == nil { throw ValidationError("--shard takes i/n with 1 ≤ i ≤ n, e.g. 1/4") }
        if let concurrency, !(1...1024).contains(concurrency) { throw ValidationError("--concurrency must be from 1 to 1024") }
    }

    func run() async throws {
        var context = try CommandContext.load(envFile: common.envFile, command: "run")
        if let concurrency { context.settings.concurrency = concurrency }
        let settings = context.settings
        let logger = context.logger
        let inventory = context.inventory(command: "run")
        for problem in settings.notifications.channelProblems { printError("collector run: \(problem) (skipped; the other channels are used)") }
        let stop = StopSignal()
        stop.installSignalHandlers { signal in
            printError("collector run: received signal \(signal); finishing the servers in flight, starting no more")
        }

        let database = Database(configuration: context.databaseConfiguration, logger: logger)
        let runner = TransportRunner(settings: settings.ssh, maximumConcurrentConnections: settings.concurrency, logger: logger)
        let collector = ServerCollector(
            runner: runner, script: ProbeScript.bytes, attempts: settings.attempts, retryBackoff: settings.retryBackoff, probeTimeout: settings.probeTimeout)
        let coordinator = CollectionCoordinator(
            database: database, databaseConfiguration: context.databaseConfiguration, collector: collector, settings: settings, logger: logger)
        let nameWidth = min(40, inventory.servers.map(\.name.count).max() ?? 0)
        let printLines = !json
        let onServer: @Sendable (RunReport.ServerLine) -> Void = { line in
            if printLines { print(RunReport.progressLine(line, nameWidth: nameWidth)) }
        }
        var unavailable: String?
        var collected: RunReport?
        do {
            try await database.migrate(logger: logger)
            collected = try await coordinator.run(inventory: inventory, shard: shard.flatMap(Shard.init), stop: stop, onServer: onServer)
        } catch let refusal as RunRefusal {
            printError("collector run: \(refusal)")
            throw ExitCode(2)
        } catch let error as StorageError {
            unavailable = error.message
        }
        if let unavailable {
            // Nothing is lost while PostgreSQL is away: collect anyway, into the spool.
            printError("collector run: \(unavailable)")
            printError(
                "collector run: collecting without the database: results go to the spool in \(settings.spoolDirectory) and the next run stores them first; exit status 2"
            )
            collected = await coordinator.runWithoutDatabase(
                inventory: inventory, shard: shard.flatMap(Shard.init), stop: stop, unavailable: unavailable, onServer: onServer)
        }
        guard let report = collected else { throw ExitCode(2) }
        // Collection and storage are finished: only now are notifications sent, in one bounded
        // step; a run stopped by a signal leaves them to the next one.
        var notified: NotificationDispatcher.Summary?
        if unavailable == nil && report.state != .interrupted {
            do {
                notified = try await NotificationDispatcher.make(database: database, context: context).deliver()
            } catch {
                logger.error("notifications were not delivered; they stay pending for the next run", metadata: ["db.error": "\(error.message)"])
            }
        }
        if json {
            let data = try DashboardJSON.makeEncoder().encode(report)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.summaryLine)
            if let notified, notified.delivered + notified.failed + notified.abandoned > 0 || notified.skipped { print(notified.line) }
        }
        if report.state == .interrupted { throw ExitCode(143) }
        if unavailable != nil { throw ExitCode(2) }
        if report.failed > 0 || !report.skipped.isEmpty { throw ExitCode(1) }
    }
}

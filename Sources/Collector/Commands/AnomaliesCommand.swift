import ArgumentParser
import DashboardCore
import DashboardStorage
import Foundation

/// `collector anomalies --server NAME [--from TIME] [--to TIME]`: scores a server's stored
/// samples again, e.g. after `collector import-seed` brought in old history (docs/anomalies.md).
struct AnomaliesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Score a server's stored samples for anomalies again (after an import of old history, for example).",
        discussion: """
            Scores every sample of the server collected in [--from, --to) (default: all of them) and stores each score, \
            replacing earlier ones. The server's model is trained first when it has none or it is a day old, on its last \
            ANOMALY_WINDOW_DAYS (14) of samples; with fewer than ANOMALY_MIN_SAMPLES (200) there is no model and nothing is \
            scored. Prints how many samples were scored and how many are anomalies (score ≥ ANOMALY_SCORE_THRESHOLD, 0.65). \
            Opens no alert. Exit status: 0 done (also when there was too little history), 1 no such server, 2 a setting or \
            PostgreSQL failed.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "The server's inventory name.")
    var server: String

    @Option(help: "From this UTC time, e.g. 2026-11-01T00:00Z (default: its first sample).")
    var from: String?

    @Option(help: "Up to this UTC time, exclusive (default: now).")
    var to: String?

    /// Samples read, scored and stored at once.
    static let pageSize = 2000

    func validate() throws {
        if InventoryParser.acceptableName(server) == nil { throw ValidationError("--server must be a server name") }
        if let from, Timestamp.parse(from) == nil { throw ValidationError("--from takes a UTC time like 2026-11-01T00:00Z") }
        if let to, Timestamp.parse(to) == nil { throw ValidationError("--to takes a UTC time like 2026-12-01T00:00Z") }
        if let start = from.flatMap(Timestamp.parse), let end = to.flatMap(Timestamp.parse), start >= end {
            throw ValidationError("--from must lie before --to")
        }
    }

    func run() async throws {
        let context = try CommandContext.load(envFile: common.envFile, command: "anomalies")
        let settings = context.settings.anomaly
        let now = Date()
        let start = from.flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0)
        let end = to.flatMap(Timestamp.parse) ?? now.addingTimeInterval(1)
        var missing = false
        try await withDatabase(context, command: "anomalies") { (database) throws(StorageError) in
            guard let record = try await database.servers.named(server) else {
                missing = true
                return
            }
            let scorer = AnomalyScorer(database: database, settings: settings, logger: context.logger)
            guard let model = try await scorer.model(serverID: record.id, serverName: server, now: now, force: true) else {
                let window = settings.window(endingAt: now)
                let count = try await database.anomalies.sampleCount(serverID: record.id, from: window.from, to: now.addingTimeInterval(1))
                print(
                    "no model for \(server): \(count) samples in the last \(settings.windowDays) days, ANOMALY_MIN_SAMPLES is \(settings.minimumSamples); "
                        + "nothing scored")
                return
            }
            var previous = try await database.anomalies.sample(serverID: record.id, before: start)?.sample
            var after: Date?
            var scored = 0
            var anomalous = 0
            while true {
                let page = try await database.anomalies.samples(serverID: record.id, from: start, to: end, after: after, limit: Self.pageSize)
                guard let last = page.last else { break }
                let first = previous
                let scores = await AnomalyScorer.offload { () -> [AnomalyRepository.Score] in
                    var before = first
                    return page.map { stored in
                        defer { before = stored.sample }
                        return AnomalyRepository.Score(
                            sampleID: stored.id, collectedAt: stored.sample.collectedAt, assessment: model.assess(stored.sample, previous: before))
                    }
                }
                try await database.anomalies.storeScores(scores, serverID: record.id)
                scored += scores.count
                anomalous += scores.filter { $0.assessment.score >= settings.scoreThreshold }.count
                previous = last.sample
                after = last.sample.collectedAt
                if page.count < Self.pageSize { break }
            }
            let range = "\(from.flatMap(Timestamp.parse).map { Timestamp.format($0) } ?? "its first sample") to \(Timestamp.format(end))"
            print(
                "scored \(scored) samples of \(server) from \(range): \(anomalous) "
                    + "\(anomalous == 1 ? "anomaly" : "anomalies") (score ≥ \(settings.scoreThreshold))")
        }
        if missing {
            printError("collector anomalies: no server named \(server) in the database (collector run stores the inventory's servers)")
            throw ExitCode(1)
        }
    }
}

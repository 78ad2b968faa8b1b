import BlockingWork
import DashboardCore
import DashboardStorage
import Foundation
import Logging
import Synchronization

/// Scores freshly stored samples against their server's model and stores each score
/// (docs/anomalies.md, "When it runs").
///
/// A server's model is trained on its own last `ANOMALY_WINDOW_DAYS` of samples once it has
/// `ANOMALY_MIN_SAMPLES` of them (fewer: no model, no score), stored, and used until it is a
/// day old, so a collector started by cron trains each server at most once a day. Training
/// and reading a stored model run on a thread of their own, never on the cooperative pool;
/// one run spends at most `trainingBudget` on training, and servers left over keep their
/// older model (or wait for the next run). Nothing here ever fails a run: an error is
/// logged, and the sample stays stored without a score.
final class AnomalyScorer: Sendable {
    let database: Database
    let settings: AnomalySettings
    let logger: Logger
    /// Training time one scorer (one run) may spend; what is left over waits for the next run.
    let trainingBudget: Duration
    private let state = Mutex(State())

    /// The most samples a model is trained on (the newest of the window): 14 days of samples
    /// a minute apart, about 20 MB while it trains.
    static let maximumTrainingSamples = 20_160

    /// One thread for the detector's CPU work, so training never holds a thread of the
    /// cooperative pool the collection runs on.
    private static let threads = BlockingThreadPool(name: "anomaly", maximumThreads: 1)

    private struct State {
        /// Each server's model as of this run (`nil`: it has none), so a server is trained once a run at most.
        var models: [Int64: AnomalyModel?] = [:]
        /// Training time spent so far.
        var spent: Duration = .zero
        var budgetLogged = false
    }

    /// A scorer for one run (or one `collector anomalies`); `trainingBudget` bounds its training time.
    init(database: Database, settings: AnomalySettings, logger: Logger, trainingBudget: Duration = .seconds(60)) {
        self.database = database
        self.settings = settings
        self.logger = logger
        self.trainingBudget = trainingBudget
    }

    /// The seed of server `serverID`'s forest: derived from its id (SplitMix64), so the same
    /// samples give the same model and scores.
    static func seed(serverID: Int64) -> UInt64 {
        var z = UInt64(bitPattern: serverID) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Scores the sample just stored as `sampleID` against the server's sample before it and
    /// stores the score; returns it, or `nil` when the server has no model or anything failed
    /// (logged). Never throws.
    func score(_ sample: MetricSample, sampleID: Int64, serverID: Int64, serverName: String, now: Date = Date()) async -> AnomalyAssessment? {
        do throws(StorageError) {
            guard let model = try await model(serverID: serverID, serverName: serverName, now: now) else { return nil }
            let previous = try await database.anomalies.sample(serverID: serverID, before: sample.collectedAt)?.sample
            // Microseconds: scored in place.
            let assessment = model.assess(sample, previous: previous)
            try await database.anomalies.storeScore(assessment, sampleID: sampleID, serverID: serverID, collectedAt: sample.collectedAt)
            return assessment
        } catch {
            logger.warning(
                "anomaly scoring failed; the sample is stored without a score",
                metadata: ["server.name": "\(serverName)", "db.error": "\(error.message)"])
            return nil
        }
    }

    /// Server `serverID`'s model as of `now`: the stored one while it is less than a day old,
    /// else one trained now and stored (`force`: whatever the budget); `nil` while the server
    /// has fewer than `ANOMALY_MIN_SAMPLES` samples in the window.
    func model(serverID: Int64, serverName: String, now: Date, force: Bool = false) async throws(StorageError) -> AnomalyModel? {
        if let known = state.withLock({ $0.models[serverID] }) { return known }
        let stored = try await database.anomalies.model(serverID: serverID)
        var current: AnomalyModel?
        if let stored {
            current = await Self.offload { stored.decodedModel() }
            if current?.featureKeys != AnomalyFeatures.keys { current = nil }
        }
        let fresh = stored.map { now.timeIntervalSince($0.trainedAt) < AnomalySettings.modelLifetime && $0.trainedAt <= now.addingTimeInterval(300) } ?? false
        if let current, fresh {
            remember(current, serverID: serverID)
            return current
        }
        if !force && state.withLock({ $0.spent >= trainingBudget }) {
            logBudgetOnce()
            // The older model, until a later run has time to train a new one.
            remember(current, serverID: serverID)
            return current
        }
        let trained = try await train(serverID: serverID, serverName: serverName, now: now)
        remember(trained, serverID: serverID)
        return trained
    }

    /// Trains server `serverID`'s model on its window ending at `now` and stores it; `nil`
    /// (and nothing stored) with fewer than `ANOMALY_MIN_SAMPLES` samples.
    private func train(serverID: Int64, serverName: String, now: Date) async throws(StorageError) -> AnomalyModel? {
        let clock = ContinuousClock()
        let started = clock.now
        defer {
            let took = started.duration(to: clock.now)
            state.withLock { $0.spent += took }
        }
        let window = settings.window(endingAt: now)
        let samples = try await database.anomalies.trainingSamples(
            serverID: serverID, from: window.from, to: now.addingTimeInterval(1), limit: Self.maximumTrainingSamples)
        guard samples.count >= settings.minimumSamples else {
            logger.debug(
                "too few samples for an anomaly model; no score until there are enough",
                metadata: ["server.name": "\(serverName)", "anomaly.samples": "\(samples.count)", "anomaly.min_samples": "\(settings.minimumSamples)"])
            return nil
        }
        let seed = Self.seed(serverID: serverID)
        let built = await Self.offload { () -> (model: AnomalyModel, json: String)? in
            guard let model = AnomalyModel.train(samples: samples, seed: seed, now: now) else { return nil }
            guard let json = try? AnomalyRepository.json(of: model) else { return nil }
            return (model, json)
        }
        guard let built else {
            logger.warning("no anomaly model could be trained from the server's samples", metadata: ["server.name": "\(serverName)"])
            return nil
        }
        try await database.anomalies.storeModel(json: built.json, trainedAt: built.model.trainedAt, sampleCount: built.model.sampleCount, serverID: serverID)
        let took = started.duration(to: clock.now).components
        logger.info(
            "anomaly model trained",
            metadata: [
                "server.name": "\(serverName)", "anomaly.samples": "\(built.model.sampleCount)",
                "anomaly.took_ms": "\(took.seconds * 1000 + took.attoseconds / 1_000_000_000_000_000)",
            ])
        return built.model
    }

    private func remember(_ model: AnomalyModel?, serverID: Int64) {
        state.withLock { $0.models[serverID] = .some(model) }
    }

    private func logBudgetOnce() {
        let first = state.withLock { state in
            defer { state.budgetLogged = true }
            return !state.budgetLogged
        }
        if first {
            logger.info(
                "anomaly training budget of this run spent; the remaining servers keep their older model or are trained by a later run",
                metadata: ["anomaly.budget_seconds": "\(trainingBudget.components.seconds)"])
        }
    }

    /// Runs CPU-heavy detector work on the scorer's own thread.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await threads.run { () -> Result<T, Never> in .success(work()) }.get()
    }
}

import DashboardCore
import FoundationEssentials

/// Anomaly flags (docs/anomalies.md): each server's model, the score of every scored
/// sample, and the samples a model is trained on or a range is rescored from.
public struct AnomalyRepository: Sendable {
    let pool: ConnectionPool

    /// A server's stored model and when it was trained.
    public struct StoredModel: Sendable {
        /// When the model was trained.
        public var trainedAt: Date
        /// How many samples it was trained on.
        public var sampleCount: Int
        /// The model as stored (JSON).
        public var json: String

        /// The model; `nil` when its JSON cannot be read by this version (it is then trained
        /// again). A forest is a large document: decode it off the cooperative thread pool.
        public func decodedModel() -> AnomalyModel? {
            try? AnomalyRepository.makeDecoder().decode(AnomalyModel.self, from: Data(json.utf8))
        }
    }

    /// A stored sample with its id, read back with its headline filesystem (enough for the
    /// disk figure) but without its other filesystems and users.
    public struct StoredSample: Sendable {
        /// The `server_metrics` id.
        public var id: Int64
        /// The sample's figures.
        public var sample: MetricSample
    }

    /// One score to store.
    public struct Score: Sendable {
        /// The scored sample's id.
        public var sampleID: Int64
        /// When the sample was collected.
        public var collectedAt: Date
        /// Its score and reason.
        public var assessment: AnomalyAssessment

        /// Creates a score to store.
        public init(sampleID: Int64, collectedAt: Date, assessment: AnomalyAssessment) {
            self.sampleID = sampleID
            self.collectedAt = collectedAt
            self.assessment = assessment
        }
    }

    /// Stores `model` as the model of server `serverID`, replacing the one before.
    public func storeModel(_ model: AnomalyModel, serverID: Int64) async throws(StorageError) {
        try await storeModel(json: try Self.json(of: model), trainedAt: model.trainedAt, sampleCount: model.sampleCount, serverID: serverID)
    }

    /// Stores a model already written as JSON (``json(of:)``, done off the cooperative pool).
    public func storeModel(json: String, trainedAt: Date, sampleCount: Int, serverID: Int64) async throws(StorageError) {
        try await pool.query(
            """
            INSERT INTO anomaly_models (server_id, trained_at, sample_count, model)
            VALUES (\(serverID), \(trainedAt), \(sampleCount), \(json)::jsonb)
            ON CONFLICT (server_id) DO UPDATE
                SET trained_at = excluded.trained_at, sample_count = excluded.sample_count, model = excluded.model
            """)
    }

    /// The stored model of server `serverID`; `nil` when it has none.
    public func model(serverID: Int64) async throws(StorageError) -> StoredModel? {
        let result = try await pool.query(
            "SELECT trained_at, sample_count, model::text AS model FROM anomaly_models WHERE server_id = \(serverID)")
        guard let row = result.first else { return nil }
        return StoredModel(trainedAt: try row.require("trained_at"), sampleCount: try row.require("sample_count"), json: try row.require("model"))
    }

    /// A model as JSON text, as ``storeModel(json:trainedAt:sampleCount:serverID:)`` stores it.
    public static func json(of model: AnomalyModel) throws(StorageError) -> String {
        try encode(model, what: "the anomaly model")
    }

    /// Stores the score of one sample (replacing an earlier score of it).
    public func storeScore(_ assessment: AnomalyAssessment, sampleID: Int64, serverID: Int64, collectedAt: Date) async throws(StorageError) {
        try await storeScores([Score(sampleID: sampleID, collectedAt: collectedAt, assessment: assessment)], serverID: serverID)
    }

    /// Stores the scores of several samples of server `serverID` in one statement,
    /// replacing earlier scores of the same samples. A sample deleted in the meantime
    /// (retention) is skipped.
    public func storeScores(_ scores: [Score], serverID: Int64) async throws(StorageError) {
        guard !scores.isEmpty else { return }
        var reasons: [String] = []
        reasons.reserveCapacity(scores.count)
        for score in scores {
            reasons.append(try Self.encode(Self.finiteReasons(score.assessment.reason), what: "an anomaly reason"))
        }
        // A score that is not a number (no usable figure) is stored as 0: nothing stood out.
        let values = scores.map { $0.assessment.score.isFinite ? min(1, max(0, $0.assessment.score)) : 0 }
        try await pool.query(
            """
            INSERT INTO anomaly_scores (sample_id, server_id, collected_at, score, reason)
            SELECT s.sample_id, \(serverID), s.collected_at, s.score, s.reason::jsonb
            FROM unnest(\(scores.map(\.sampleID))::bigint[], \(scores.map(\.collectedAt))::timestamptz[],
                        \(values)::double precision[], \(reasons)::text[]) AS s(sample_id, collected_at, score, reason)
            WHERE EXISTS (SELECT 1 FROM server_metrics m WHERE m.id = s.sample_id)
            ON CONFLICT (sample_id) DO UPDATE SET score = excluded.score, reason = excluded.reason
            """)
    }

    /// The samples of server `serverID` collected in `[from, to)`, oldest first: the newest
    /// `limit` of them when there are more. What a model is trained on.
    public func trainingSamples(serverID: Int64, from: Date, to: Date, limit: Int) async throws(StorageError) -> [MetricSample] {
        let rows = try await read(
            "m.server_id = \(serverID) AND m.collected_at >= \(from) AND m.collected_at < \(to) ORDER BY m.collected_at DESC LIMIT \(max(0, limit))")
        return rows.reversed().map(\.sample)
    }

    /// The number of samples of server `serverID` collected in `[from, to)`.
    public func sampleCount(serverID: Int64, from: Date, to: Date) async throws(StorageError) -> Int {
        let result = try await pool.query(
            "SELECT count(*) AS n FROM server_metrics WHERE server_id = \(serverID) AND collected_at >= \(from) AND collected_at < \(to)")
        return try result.first?.require("n") ?? 0
    }

    /// Up to `limit` samples of server `serverID` in `[from, to)` collected after `after`
    /// (all from `from` when `nil`), oldest first: page through a range to rescore it by
    /// passing the last page's last time as `after`.
    public func samples(serverID: Int64, from: Date, to: Date, after: Date? = nil, limit: Int) async throws(StorageError) -> [StoredSample] {
        let start: SQLQuery =
            if let after { "m.collected_at > \(after)" } else { "m.collected_at >= \(from)" }
        let server: SQLQuery = "m.server_id = \(serverID) AND "
        let end: SQLQuery = " AND m.collected_at < \(to) ORDER BY m.collected_at LIMIT \(max(0, limit))"
        return try await read(server.appending(start).appending(end))
    }

    /// The sample of server `serverID` collected last before `time`; `nil` when there is none.
    /// The "previous sample" network rates are computed against.
    public func sample(serverID: Int64, before time: Date) async throws(StorageError) -> StoredSample? {
        try await read("m.server_id = \(serverID) AND m.collected_at < \(time) ORDER BY m.collected_at DESC LIMIT 1").first
    }

    /// Samples matching `condition` (on `server_metrics m`, with its ORDER BY and LIMIT), read
    /// as `MetricsRepository` reads them, each with its headline filesystem.
    private func read(_ condition: SQLQuery) async throws(StorageError) -> [StoredSample] {
        var query: SQLQuery = """
            SELECT \(unsafeRaw: MetricsRepository.sampleColumns),
                f.mount_point AS fs_mount, f.device AS fs_device, f.fs_type AS fs_type,
                f.size_bytes AS fs_size, f.used_bytes AS fs_used, f.available_bytes AS fs_available
            FROM server_metrics m
            LEFT JOIN LATERAL (
                SELECT mount_point, device, fs_type, size_bytes, used_bytes, available_bytes FROM filesystems
                WHERE sample_id = m.id AND mount_point = m.disk_mount LIMIT 1
            ) f ON true
            WHERE
            """
        query = query.appending(" ").appending(condition)
        // Up to tens of thousands of samples with ~25 figures each for a training window.
        query.binaryResults = true
        let result = try await pool.query(query)
        // Samples carry the OS facts of their server; scoring does not read them.
        let server = Server(id: 0, name: "", host: "")
        var samples: [StoredSample] = []
        samples.reserveCapacity(result.count)
        for row in result.rows {
            var sample = try MetricsRepository.decodeSample(row, osFrom: server)
            if let mount: String = try row.decode("fs_mount") {
                sample.filesystems = [
                    FilesystemUsage(
                        mountPoint: mount, device: try row.require("fs_device"), fsType: try row.decode("fs_type"),
                        sizeBytes: try row.require("fs_size"), usedBytes: try row.require("fs_used"), availableBytes: try row.require("fs_available"))
                ]
            }
            samples.append(StoredSample(id: try row.require("sample_id"), sample: sample))
        }
        return samples
    }

    /// The reason without figures that are not numbers (JSON has no NaN).
    static func finiteReasons(_ reasons: [AnomalyReason]) -> [AnomalyReason] {
        reasons.filter { $0.value.isFinite && $0.typical.isFinite }
    }

    /// JSON text of `value`; a model may hold values that are not numbers (a figure a server
    /// never reported), written as strings and read back.
    static func encode<T: Encodable>(_ value: T, what: String) throws(StorageError) -> String {
        let encoder = DashboardJSON.makeEncoder()
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw StorageError(kind: .invalidParameter, message: "could not write \(what) as JSON: \(error)")
        }
    }

    /// A decoder reading what ``encode(_:what:)`` wrote.
    static func makeDecoder() -> JSONDecoder {
        let decoder = DashboardJSON.makeDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }
}

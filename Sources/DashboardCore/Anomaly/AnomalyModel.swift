import FoundationEssentials

/// One server's anomaly detector: an isolation forest over `AnomalyFeatures` and the typical
/// value of each feature, trained on the server's own recent samples (docs/anomalies.md).
public struct AnomalyModel: Codable, Sendable {
    /// A feature's typical value and how far it usually strays from it.
    public struct Typical: Codable, Sendable, Equatable {
        /// The median over the training samples.
        public var median: Double
        /// The robust spread: 1.4826 × the median absolute deviation, at least the feature's
        /// floor (see `AnomalyModel.spreadFloor`).
        public var spread: Double

        /// Creates a typical value.
        public init(median: Double, spread: Double) {
            self.median = median
            self.spread = spread
        }
    }

    /// The number of trees.
    public static let trees = 100
    /// The training points each tree is grown from (all of them when fewer).
    public static let subsampleSize = 256
    /// How far from typical, in robust spreads, a figure must be to be named in a reason.
    public static let reasonDeviation = 2.0
    /// The most figures a reason names.
    public static let reasonLength = 3
    /// Values beyond this magnitude are absurd for any figure and read as missing.
    public static let absurdMagnitude = 1e18

    /// The feature keys the model was trained on, in vector order.
    public let featureKeys: [String]
    /// Each feature's typical value; `nil` where the training samples never had it.
    public let typical: [Typical?]
    /// When the model was trained.
    public let trainedAt: Date
    /// How many samples it was trained on (those with at least one feature).
    public let sampleCount: Int
    /// The forest.
    public let forest: IsolationForest

    /// Trains a model on one server's `samples`, oldest first (each sample's rates come from
    /// the one before it); `nil` when fewer than two samples have any feature.
    public static func train(samples: [MetricSample], seed: UInt64, now: Date) -> AnomalyModel? {
        let vectors = samples.indices.map { index in
            AnomalyFeatures.vector(samples[index], previous: index > 0 ? samples[index - 1] : nil)
        }
        return train(vectors: vectors, seed: seed, now: now)
    }

    /// Trains a model on feature vectors in `AnomalyFeatures.keys` order (see `train(samples:seed:now:)`).
    public static func train(vectors: [[Double]], seed: UInt64, now: Date) -> AnomalyModel? {
        let keys = AnomalyFeatures.keys
        let usable = vectors.map { sanitized($0, width: keys.count) }.filter { $0.contains { !$0.isNaN } }
        guard usable.count >= 2 else { return nil }
        var typical = [Typical?]()
        var column = [Double]()
        column.reserveCapacity(usable.count)
        for (f, key) in keys.enumerated() {
            column.removeAll(keepingCapacity: true)
            for row in usable where !row[f].isNaN { column.append(row[f]) }
            guard !column.isEmpty else {
                typical.append(nil)
                continue
            }
            let (median, spread) = IsolationForest.robustCenterAndSpread(&column)
            typical.append(Typical(median: median, spread: max(spread, spreadFloor(key: key, median: median))))
        }
        let forest = IsolationForest(training: usable, trees: trees, subsampleSize: subsampleSize, seed: seed)
        return AnomalyModel(featureKeys: keys, typical: typical, trainedAt: now, sampleCount: usable.count, forest: forest)
    }

    /// Scores `sample` (with the sample before it, for rates) and names the figures furthest from typical.
    public func assess(_ sample: MetricSample, previous: MetricSample?) -> AnomalyAssessment {
        let current = AnomalyFeatures.vector(sample, previous: previous)
        if featureKeys == AnomalyFeatures.keys { return assess(vector: current) }
        // A model trained before the catalogue's features changed: line the figures up by key.
        let byKey = Dictionary(zip(AnomalyFeatures.keys, current), uniquingKeysWith: { first, _ in first })
        return assess(vector: featureKeys.map { byKey[$0] ?? .nan })
    }

    /// Scores a feature vector in `featureKeys` order and names the figures furthest from typical.
    public func assess(vector: [Double]) -> AnomalyAssessment {
        let point = Self.sanitized(vector, width: featureKeys.count)
        var standouts: [(deviation: Double, reason: AnomalyReason)] = []
        for (f, typical) in typical.enumerated() {
            guard let typical, !point[f].isNaN else { continue }
            let deviation = abs(point[f] - typical.median) / typical.spread
            guard deviation >= Self.reasonDeviation else { continue }
            standouts.append((deviation, AnomalyReason(figure: featureKeys[f], value: point[f], typical: typical.median)))
        }
        // Stable: equal deviations keep feature order.
        let reason = standouts.enumerated()
            .sorted { $0.element.deviation != $1.element.deviation ? $0.element.deviation > $1.element.deviation : $0.offset < $1.offset }
            .prefix(Self.reasonLength).map(\.element.reason)
        return AnomalyAssessment(score: forest.score(point), reason: Array(reason))
    }

    /// The smallest spread a reason measures a feature against, so that a figure that hardly
    /// ever moves is not named for a trivial change: one unit of its kind (1 percentage point,
    /// 0.1 load, one process or connection, 1 MiB, 1 KiB/s, a second) or 1 % of its median.
    public static func spreadFloor(key: String, median: Double) -> Double {
        let unitFloor: Double =
            switch MetricCatalogue.descriptor(MetricID(key))?.unit {
            case .percent: 1
            case .load: 0.1
            case .count, .seconds, nil: 1
            case .bytes: 1_048_576
            case .bytesPerSecond: 1024
            case .celsius: 1
            }
        return max(unitFloor, abs(median) / 100)
    }

    /// `vector` cut or padded to `width`, with missing, infinite and absurd values as NaN.
    static func sanitized(_ vector: [Double], width: Int) -> [Double] {
        (0..<width).map { f in
            guard f < vector.count, vector[f].isFinite, abs(vector[f]) <= absurdMagnitude else { return .nan }
            return vector[f]
        }
    }

    /// Assembles a model.
    init(featureKeys: [String], typical: [Typical?], trainedAt: Date, sampleCount: Int, forest: IsolationForest) {
        self.featureKeys = featureKeys
        self.typical = typical
        self.trainedAt = trainedAt
        self.sampleCount = sampleCount
        self.forest = forest
    }

    private enum CodingKeys: String, CodingKey {
        case featureKeys, typical, trainedAt, sampleCount, forest
    }

    /// Decodes a model, checking that its parts line up.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        featureKeys = try container.decode([String].self, forKey: .featureKeys)
        typical = try container.decode([Typical?].self, forKey: .typical)
        trainedAt = try container.decode(Date.self, forKey: .trainedAt)
        sampleCount = try container.decode(Int.self, forKey: .sampleCount)
        forest = try container.decode(IsolationForest.self, forKey: .forest)
        let typicalIsSound = typical.allSatisfy { typical in
            typical.map { $0.median.isFinite && $0.spread.isFinite && $0.spread > 0 } ?? true
        }
        guard typical.count == featureKeys.count, forest.featureCount <= featureKeys.count, typicalIsSound else {
            throw DecodingError.dataCorruptedError(forKey: .typical, in: container, debugDescription: "inconsistent anomaly model")
        }
    }
}

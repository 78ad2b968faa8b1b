import FoundationEssentials

/// The average and the maximum of one metric within a bucket; `nil` when no sample had it.
///
/// Held as two plain doubles, NaN for "none" (a figure that is not a number is written as
/// `null` anyway): 16 bytes instead of 32, and a 90-day history holds ~37,000 of them.
public struct Aggregate: Sendable, Equatable, Codable {
    private var averageOrNaN: Double
    private var maximumOrNaN: Double

    /// The mean of the figures in the bucket.
    public var avg: Double? {
        get { averageOrNaN.isNaN ? nil : averageOrNaN }
        set { averageOrNaN = newValue ?? .nan }
    }

    /// The largest figure in the bucket.
    public var max: Double? {
        get { maximumOrNaN.isNaN ? nil : maximumOrNaN }
        set { maximumOrNaN = newValue ?? .nan }
    }

    /// Creates an aggregate.
    public init(avg: Double?, max: Double?) {
        averageOrNaN = avg ?? .nan
        maximumOrNaN = max ?? .nan
    }

    /// Whether both figures are the same (both missing counts as the same).
    public static func == (left: Aggregate, right: Aggregate) -> Bool {
        left.avg == right.avg && left.max == right.max
    }

    /// Reads `{"avg":…,"max":…}`, `null` or a missing key for none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(avg: try container.decodeIfPresent(Double.self, forKey: .avg), max: try container.decodeIfPresent(Double.self, forKey: .max))
    }

    /// Encodes both figures, `null` when missing, so every bucket has the same shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(avg, forKey: .avg)
        try container.encode(max, forKey: .max)
    }

    enum CodingKeys: String, CodingKey {
        case avg, max
    }
}

/// One time bucket of a server's history: the average and maximum of every figure the
/// catalogue keeps in history (`MetricCatalogue.history`), by identifier.
public struct HistoryBucket: Sendable, Equatable {
    /// The bucket's start (aligned to multiples of the step since the Unix epoch).
    public var start: Date
    /// How many samples fell into it.
    public var samples: Int
    /// The aggregates in the order of `MetricCatalogue.history`.
    public private(set) var aggregates: [Aggregate]

    /// Creates a bucket; `aggregates` in the order of `MetricCatalogue.history` (missing ones are empty).
    public init(start: Date, samples: Int, aggregates: [Aggregate] = []) {
        self.start = start
        self.samples = samples
        var aggregates = aggregates
        if aggregates.count < MetricCatalogue.history.count {
            aggregates += repeatElement(Aggregate(avg: nil, max: nil), count: MetricCatalogue.history.count - aggregates.count)
        }
        self.aggregates = aggregates
    }

    /// The aggregate of the figure `id`; empty when history does not keep that figure.
    public subscript(_ id: MetricID) -> Aggregate {
        get {
            guard let position = MetricCatalogue.historyPosition[id] else { return Aggregate(avg: nil, max: nil) }
            return aggregates[position]
        }
        set {
            guard let position = MetricCatalogue.historyPosition[id] else { return }
            aggregates[position] = newValue
        }
    }
}

/// `{"start":…,"samples":…,"<key>":{"avg":…,"max":…},…}` with a key per history figure.
extension HistoryBucket: Codable {
    /// Reads a bucket; a figure the answer lacks (an older api) is empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FigureKey.self)
        self.init(
            start: try container.decode(Date.self, forKey: FigureKey(stringValue: "start")),
            samples: try container.decode(Int.self, forKey: FigureKey(stringValue: "samples")))
        for (position, descriptor) in MetricCatalogue.history.enumerated() {
            aggregates[position] = try container.decodeIfPresent(Aggregate.self, forKey: FigureKey(descriptor.id)) ?? Aggregate(avg: nil, max: nil)
        }
    }

    /// Writes every history figure, with `null`s, so every bucket has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FigureKey.self)
        try container.encode(start, forKey: FigureKey(stringValue: "start"))
        try container.encode(samples, forKey: FigureKey(stringValue: "samples"))
        for (position, descriptor) in MetricCatalogue.history.enumerated() {
            try container.encode(aggregates[position], forKey: FigureKey(descriptor.id))
        }
    }
}

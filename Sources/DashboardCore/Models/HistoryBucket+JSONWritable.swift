/// The same shape as the `Encodable` form (keys sorted, as ``DashboardJSON`` encodes them).
extension Aggregate: JSONWritable {
    private static let avgKey = JSONWriter.Key(CodingKeys.avg.stringValue)
    private static let maxKey = JSONWriter.Key(CodingKeys.max.stringValue)

    /// Writes `{"avg":…,"max":…}`.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.key(Self.avgKey); json.number(avg)
            json.key(Self.maxKey); json.number(max)
        }
    }
}

/// The same shape as the `Encodable` form (keys sorted, as ``DashboardJSON`` encodes them).
extension HistoryBucket: JSONWritable {
    /// One key of a bucket in sorted order: `start`, `samples` or a figure's aggregate.
    private enum Field {
        case start, samples
        case figure(Int)
    }

    /// The keys escaped once and sorted: a 90-day history writes each of them 2,160 times.
    private static let fields: [(key: JSONWriter.Key, field: Field)] = {
        var fields: [(name: String, field: Field)] = [("start", .start), ("samples", .samples)]
        for (position, descriptor) in MetricCatalogue.history.enumerated() {
            fields.append((descriptor.id.key, .figure(position)))
        }
        return fields.sorted { $0.name < $1.name }.map { (JSONWriter.Key($0.name), $0.field) }
    }()

    /// Writes the bucket with its keys in sorted order.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            for (key, field) in Self.fields {
                json.key(key)
                switch field {
                case .start: json.timestamp(start)
                case .samples: json.integer(samples)
                case .figure(let position): json.value(aggregates[position])
                }
            }
        }
    }
}

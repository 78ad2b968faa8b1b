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
    /// The keys escaped once: a 90-day history writes each of them 2,160 times.
    private static let keys = (
        cpuPercent: JSONWriter.Key(CodingKeys.cpuPercent.stringValue),
        diskPercent: JSONWriter.Key(CodingKeys.diskPercent.stringValue),
        load1: JSONWriter.Key(CodingKeys.load1.stringValue),
        load15: JSONWriter.Key(CodingKeys.load15.stringValue),
        load5: JSONWriter.Key(CodingKeys.load5.stringValue),
        loggedUsers: JSONWriter.Key(CodingKeys.loggedUsers.stringValue),
        networkReceiveRate: JSONWriter.Key(CodingKeys.networkReceiveRate.stringValue),
        networkTransmitRate: JSONWriter.Key(CodingKeys.networkTransmitRate.stringValue),
        processCount: JSONWriter.Key(CodingKeys.processCount.stringValue),
        ramPercent: JSONWriter.Key(CodingKeys.ramPercent.stringValue),
        samples: JSONWriter.Key(CodingKeys.samples.stringValue),
        start: JSONWriter.Key(CodingKeys.start.stringValue),
        tcpConnections: JSONWriter.Key(CodingKeys.tcpConnections.stringValue)
    )

    /// Writes the bucket with its keys in sorted order.
    public func write(to json: inout JSONWriter) {
        let keys = Self.keys
        json.object { json in
            json.key(keys.cpuPercent); json.value(cpuPercent)
            json.key(keys.diskPercent); json.value(diskPercent)
            json.key(keys.load1); json.value(load1)
            json.key(keys.load15); json.value(load15)
            json.key(keys.load5); json.value(load5)
            json.key(keys.loggedUsers); json.value(loggedUsers)
            json.key(keys.networkReceiveRate); json.value(networkReceiveRate)
            json.key(keys.networkTransmitRate); json.value(networkTransmitRate)
            json.key(keys.processCount); json.value(processCount)
            json.key(keys.ramPercent); json.value(ramPercent)
            json.key(keys.samples); json.integer(samples)
            json.key(keys.start); json.timestamp(start)
            json.key(keys.tcpConnections); json.value(tcpConnections)
        }
    }
}

/// The same shape as the `Encodable` form (keys sorted, as ``DashboardJSON`` encodes them).
extension Aggregate: JSONWritable {
    /// Writes `{"avg":…,"max":…}`.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("avg"); json.number(avg)
            json.key("max"); json.number(max)
        }
    }
}

/// The same shape as the `Encodable` form (keys sorted, as ``DashboardJSON`` encodes them).
extension HistoryBucket: JSONWritable {
    /// Writes the bucket with its keys in sorted order.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.key(CodingKeys.cpuPercent.stringValue); json.value(cpuPercent)
            json.key(CodingKeys.diskPercent.stringValue); json.value(diskPercent)
            json.key(CodingKeys.load1.stringValue); json.value(load1)
            json.key(CodingKeys.load15.stringValue); json.value(load15)
            json.key(CodingKeys.load5.stringValue); json.value(load5)
            json.key(CodingKeys.loggedUsers.stringValue); json.value(loggedUsers)
            json.key(CodingKeys.networkReceiveRate.stringValue); json.value(networkReceiveRate)
            json.key(CodingKeys.networkTransmitRate.stringValue); json.value(networkTransmitRate)
            json.key(CodingKeys.processCount.stringValue); json.value(processCount)
            json.key(CodingKeys.ramPercent.stringValue); json.value(ramPercent)
            json.key(CodingKeys.samples.stringValue); json.integer(samples)
            json.key(CodingKeys.start.stringValue); json.timestamp(start)
            json.key(CodingKeys.tcpConnections.stringValue); json.value(tcpConnections)
        }
    }
}

import DashboardCore
import FoundationEssentials

/// `GET /api/servers/{name}/metrics/history`: the window as applied, then the buckets (empty
/// buckets are left out, so a gap in the data stays a gap). Each bucket holds every figure
/// the catalogue keeps in history (docs/adding-a-metric.md).
///
/// The api writes it through ``JSONWriter`` (a 90-day history is ~50,000 figures); the
/// `Encodable` form is the reference the tests compare that with.
public struct HistoryRecord: Codable, Sendable, Equatable, JSONWritable {
    /// The server's name.
    public var serverName: String
    /// The window's start.
    public var from: Date
    /// The window's end.
    public var to: Date
    /// The bucket width in seconds.
    public var stepSeconds: Int
    /// The buckets that hold samples, oldest first.
    public var buckets: [HistoryBucket]

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name", from, to, stepSeconds = "step_seconds", buckets
    }

    /// Creates the answer.
    public init(serverName: String, from: Date, to: Date, stepSeconds: Int, buckets: [HistoryBucket]) {
        self.serverName = serverName
        self.from = from
        self.to = to
        self.stepSeconds = stepSeconds
        self.buckets = buckets
    }

    /// Writes the same document as `encode(to:)`, keys sorted.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.key(CodingKeys.buckets.stringValue); json.array(buckets) { json, bucket in json.value(bucket) }
            writeWindow(to: &json)
        }
    }

    /// The members after `buckets`, in sorted order.
    private func writeWindow(to json: inout JSONWriter) {
        json.key(CodingKeys.from.stringValue); json.timestamp(from)
        json.key(CodingKeys.serverName.stringValue); json.string(serverName)
        json.key(CodingKeys.stepSeconds.stringValue); json.integer(stepSeconds)
        json.key(CodingKeys.to.stringValue); json.timestamp(to)
    }

    /// How many pieces of at most `bucketsPerPiece` buckets ``writePiece(_:bucketsPerPiece:into:)`` makes.
    public func pieceCount(bucketsPerPiece: Int) -> Int {
        max(1, (buckets.count + bucketsPerPiece - 1) / max(1, bucketsPerPiece))
    }

    /// Writes piece `index` of the document into `json` (emptied first), for sending the
    /// answer as it is written: a 90-day history is about 2 MB, which written whole took a
    /// buffer of that size, and a copy, per request. The pieces `0..<pieceCount` joined are
    /// exactly what `write(to:)` writes.
    public func writePiece(_ index: Int, bucketsPerPiece: Int, into json: inout JSONWriter) {
        let size = max(1, bucketsPerPiece)
        json.removeAll()
        if index == 0 {
            json.raw(#"{"buckets":["#)
        } else {
            json.raw(",")
        }
        let start = min(index * size, buckets.count)
        let end = min(start + size, buckets.count)
        for position in start..<end {
            json.value(buckets[position])
        }
        guard index == pieceCount(bucketsPerPiece: size) - 1 else { return }
        json.raw("],")
        writeWindow(to: &json)
        json.raw("}")
    }

}

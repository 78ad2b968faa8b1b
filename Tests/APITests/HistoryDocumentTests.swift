import APISupport
import DashboardCore
import DashboardWire
import Foundation
import Testing

@testable import API

/// The history answer is written by hand (``JSONWriter``); it must be the document the
/// `Encodable` form (and so the OpenAPI schema) describes.
@Suite struct HistoryDocumentTests {
    @Test func writtenHistoryIsTheEncodedHistory() throws {
        let window = try HistoryWindow(QueryParameters(query: "from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z&step=3600"))
        let buckets = (0..<3).map { index in
            let figure = Aggregate(avg: 100.0 / 3.0 + Double(index), max: index == 1 ? nil : 50.125)
            var bucket = HistoryBucket(
                start: window.from.addingTimeInterval(Double(index) * 3600), samples: 4,
                aggregates: Array(repeating: figure, count: MetricCatalogue.history.count))
            bucket[.networkReceiveRate] = Aggregate(avg: 1_250_000.5, max: .nan)
            bucket[.networkTransmitRate] = Aggregate(avg: nil, max: nil)
            return bucket
        }
        let answer = HistoryRecord(serverName: "db 01 \"ünïcødé\"", from: window.from, to: window.to, stepSeconds: window.step, buckets: buckets)
        var writer = JSONWriter()
        writer.value(answer)
        let written = String(decoding: writer.bytes, as: UTF8.self)
        let encoded = String(decoding: try DashboardJSON.makeEncoder().encode(answer), as: UTF8.self)

        // Same text once the encoder's full-precision figures are rounded as the writer does.
        // A NaN figure is held as none, so both write null (never the string "NaN").
        #expect(!encoded.contains("NaN"))
        let rounded = Self.roundingLongFractions(encoded)
        #expect(written == rounded)
        #expect(written.hasPrefix(#"{"buckets":[{"cpu_iowait_percent":{"avg":33.333333,"max":50.125},"cpu_percent":{"avg":33.333333,"max":50.125},"#))
        #expect(
            written.hasSuffix(#"],"from":"2026-11-24T00:00:00.000Z","server_name":"db 01 \"ünïcødé\"","step_seconds":3600,"to":"2026-11-25T00:00:00.000Z"}"#))
    }

    /// `text` with every number of more than six decimals rounded to six, trailing zeros dropped.
    private static func roundingLongFractions(_ text: String) -> String {
        let pattern = try! NSRegularExpression(pattern: #"-?[0-9]+\.[0-9]{7,}"#)
        var result = text
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            let range = Range(match.range, in: text)!
            var figure = String(format: "%.6f", Double(text[range])!)
            while figure.hasSuffix("0") { figure.removeLast() }
            if figure.hasSuffix(".") { figure.removeLast() }
            result.replaceSubrange(Range(match.range, in: result)!, with: figure)
        }
        return result
    }

    /// The answer is sent in pieces as it is written; joined, they are the whole document,
    /// whatever the number of buckets and the piece size.
    @Test(arguments: [0, 1, 47, 48, 49, 96, 200])
    func piecesJoinedAreTheWholeDocument(buckets count: Int) throws {
        let start = Date(timeIntervalSince1970: 1_764_000_000)
        let buckets = (0..<count).map { index in
            var bucket = HistoryBucket(start: start.addingTimeInterval(Double(index) * 3600), samples: index % 5)
            bucket[.cpuPercent] = Aggregate(avg: Double(index) / 3, max: index % 2 == 0 ? nil : Double(index))
            bucket[.diskReadBytesPerSecond] = Aggregate(avg: 1_048_576.5, max: 2_000_000)
            return bucket
        }
        let answer = HistoryRecord(serverName: "db \"01\"", from: start, to: start.addingTimeInterval(86_400 * 9), stepSeconds: 3600, buckets: buckets)
        var whole = JSONWriter()
        whole.value(answer)
        for size in [1, 7, 48, 500] {
            var json = JSONWriter()
            var joined: [UInt8] = []
            let pieces = answer.pieceCount(bucketsPerPiece: size)
            #expect(pieces == max(1, (count + size - 1) / size))
            for index in 0..<pieces {
                answer.writePiece(index, bucketsPerPiece: size, into: &json)
                joined += json.bytes
            }
            #expect(String(decoding: joined, as: UTF8.self) == String(decoding: whole.bytes, as: UTF8.self), "\(count) buckets in pieces of \(size)")
            #expect(try JSONSerialization.jsonObject(with: Data(joined)) is [String: Any])
        }
    }
}

import DashboardCore
import Foundation

/// One result that could not be stored: a line of a spool file (JSON, no newline inside).
///
/// The sample keeps its `collectedAt`, so a replayed sample lands at the time it was
/// collected, and (server, collected_at) is what makes storing it a second time a no-op.
struct SpoolEntry: Codable, Sendable, Equatable {
    /// The format of this line; a reader refuses versions it does not know.
    static let currentVersion = 1

    var version: Int
    var serverName: String
    var host: String
    var port: Int
    var sample: MetricSample

    init(server: ServerConfig, sample: MetricSample) {
        version = Self.currentVersion
        serverName = server.name
        host = server.host
        port = server.port
        self.sample = sample
    }

    enum CodingKeys: String, CodingKey {
        case version = "v", serverName = "server", host, port, sample
    }

    /// The encoder for spool lines: dates as the exact `Double` a `Date` holds (no rounding), no pretty printing.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .deferredToDate
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder matching `makeEncoder()`.
    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .deferredToDate
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

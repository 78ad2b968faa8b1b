import FoundationEssentials

/// A live event as migration 0007's triggers send it on `server_dashboard_events`, and the
/// `data:` line the api makes of it (docs/api.md "Live events").
enum LiveEventNotice: Equatable, Sendable {
    /// A collection run's end was recorded.
    case collection(runID: Int64, finishedAt: String)
    /// An alert opened, escalated or resolved.
    case alert(AlertData)

    /// The `alert` event's data.
    struct AlertData: Codable, Equatable, Sendable {
        var id: Int64
        var server: String
        var type: String
        var severity: String
        var state: String
    }

    /// The `database` event's data: `unreachable` (with when it became so) or `reachable`.
    /// The api sends it itself when its change subscription is lost or back.
    struct DatabaseData: Codable, Equatable, Sendable {
        var state: String
        var since: String?
    }

    /// The `collection` event's data.
    struct CollectionData: Codable, Equatable, Sendable {
        var runID: Int64
        var finishedAt: String
        var servers: [String]

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", finishedAt = "finished_at", servers
        }
    }

    private struct Payload: Decodable {
        var kind: String
        var runID: Int64?
        var finishedAt: String?
        var id: Int64?
        var server: String?
        var type: String?
        var severity: String?
        var state: String?

        enum CodingKeys: String, CodingKey {
            case kind, runID = "run_id", finishedAt = "finished_at", id, server, type, severity, state
        }
    }

    /// The longest text kept from a field (server names and types come from the inventory
    /// and the collector, bounded again here).
    static let maximumFieldLength = 200

    /// Reads a trigger's payload; `nil` for anything else.
    init?(payload: String) {
        guard let decoded = try? JSONDecoder().decode(Payload.self, from: Data(payload.utf8)) else { return nil }
        switch decoded.kind {
        case "collection":
            guard let runID = decoded.runID, let finishedAt = decoded.finishedAt else { return nil }
            self = .collection(runID: runID, finishedAt: String(finishedAt.prefix(40)))
        case "alert":
            guard let id = decoded.id, let type = decoded.type, let severity = decoded.severity, let state = decoded.state else { return nil }
            self = .alert(
                AlertData(
                    id: id, server: String((decoded.server ?? "").prefix(Self.maximumFieldLength)), type: String(type.prefix(Self.maximumFieldLength)),
                    severity: String(severity.prefix(20)), state: String(state.prefix(20))))
        default:
            return nil
        }
    }

    /// One line of JSON (JSON strings never hold a raw line break, so it is one SSE `data:` line).
    static func line(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

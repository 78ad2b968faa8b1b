import DashboardCore
import Foundation

/// The machine-readable account of one run (`collector run --once --json`, docs/collector.md).
struct RunReport: Sendable, Encodable {
    /// One server's line of the report.
    struct ServerLine: Sendable, Encodable {
        var serverName: String
        var outcome: String
        var failureKind: String?
        var message: String?
        var attempts: Int
        var durationMs: Int

        enum CodingKeys: String, CodingKey {
            case serverName = "server_name", outcome, failureKind = "failure_kind", message, attempts, durationMs = "duration_ms"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(serverName, forKey: .serverName)
            try container.encode(outcome, forKey: .outcome)
            try container.encode(failureKind, forKey: .failureKind)
            try container.encode(message, forKey: .message)
            try container.encode(attempts, forKey: .attempts)
            try container.encode(durationMs, forKey: .durationMs)
        }
    }

    var runID: Int64?
    var startedAt: Date
    var finishedAt: Date
    var state: CollectionRun.State
    var servers: [ServerLine]
    /// Inventory entries that were skipped, with why.
    var skipped: [String]
    /// Results this run could not store and kept in its spool file for the next run.
    var spooled = 0
    var spoolFile: String?

    var ok: Int { servers.filter { $0.outcome == "ok" }.count }
    var failed: Int { servers.count - ok }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", startedAt = "started_at", finishedAt = "finished_at", state, ok, failed, servers, skipped, spooled
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runID, forKey: .runID)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(state, forKey: .state)
        try container.encode(ok, forKey: .ok)
        try container.encode(failed, forKey: .failed)
        try container.encode(servers, forKey: .servers)
        try container.encode(skipped, forKey: .skipped)
        try container.encode(spooled, forKey: .spooled)
    }

    /// The line printed for one server as it finishes.
    static func progressLine(_ line: ServerLine, nameWidth: Int) -> String {
        let name = line.serverName + String(repeating: " ", count: max(0, nameWidth - line.serverName.count))
        let status = line.outcome == "ok" ? "ok    " : "failed"
        var text = "\(name)  \(status)  \(String(format: "%6d", line.durationMs)) ms"
        if let kind = line.failureKind {
            text += "  \(kind): \(line.message ?? "")"
            if line.attempts > 1 { text += " (\(line.attempts) attempts)" }
        }
        return text
    }

    /// The closing summary line.
    var summaryLine: String {
        let seconds = finishedAt.timeIntervalSince(startedAt)
        var text = "run \(runID.map(String.init) ?? "-"): \(ok) ok, \(failed) failed of \(servers.count) in \(String(format: "%.1f", seconds)) s"
        if state == .interrupted { text += " — interrupted before every server was collected" }
        if !skipped.isEmpty { text += "; \(skipped.count) inventory entr\(skipped.count == 1 ? "y" : "ies") skipped" }
        if spooled > 0 { text += "; \(spooled) result\(spooled == 1 ? "" : "s") kept in the spool for the next run (\(spoolFile ?? "SPOOL_DIR"))" }
        return text
    }
}

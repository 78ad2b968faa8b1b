import DashboardCore
import DashboardStorage
import DashboardWire
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// `GET /api/servers/{name}/anomalies` and the `/metrics` gauge of the latest score
/// (docs/anomalies.md), over scores stored as the collector stores them.
@Suite(.tags(.postgres)) struct AnomalyAPITests {
    /// Whether `text` is a UTC timestamp with milliseconds, as every answer writes them.
    static func isTimestamp(_ text: String) -> Bool {
        text.wholeMatch(of: #/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z/#) != nil
    }

    /// The collection times of an answer.
    static func stamps(_ body: Data) throws -> [Date] {
        try DashboardJSON.makeDecoder().decode([AnomalyRecord].self, from: body).map(\.collectedAt)
    }

    @Test func theAnswerListsOnlyScoresAtOrAboveTheThresholdOldestFirstWithTheirReasons() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await SeededAnomalies.seed(api.test.database)
        try await api.withClient { client in
            let (status, headers, body) = try await client.get("/api/servers/web-01/anomalies")
            #expect(status == .ok)
            #expect(headers[.contentType] == "application/json; charset=utf-8")
            let answer = try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
            // 0.82, 0.66 and 0.71 of the five scores (0.41 and 0.5 are below 0.65), by collection time.
            #expect(answer.map { $0["score"] as? Double } == [0.82, 0.66, 0.71])
            for element in answer {
                #expect(Set(element.keys) == ["collected_at", "score", "reason"])
                let time = try #require(element["collected_at"] as? String)
                #expect(Self.isTimestamp(time), "\(time)")
            }
            let times = answer.compactMap { ($0["collected_at"] as? String).flatMap(Timestamp.parse) }
            #expect(times.count == 3 && times == times.sorted())
            let reasons = answer.map { $0["reason"] as? [[String: Any]] ?? [] }
            #expect(reasons.map(\.count) == [3, 0, 1])
            #expect(reasons[0].map { $0["figure"] as? String } == ["cpu_percent", "tcp_connections", "net_rx_bytes_per_second"])
            #expect(reasons[0].first?["value"] as? Double == 97 && reasons[0].first?["typical"] as? Double == 31)
            #expect(Set(reasons[0][0].keys) == ["figure", "value", "typical"])
            #expect(reasons[2].first?["value"] as? Double == 93.4)
            // The shared type reads it back.
            let records = try DashboardJSON.makeDecoder().decode([AnomalyRecord].self, from: body)
            #expect(records.last?.reason == [AnomalyReason(figure: "ram_percent", value: 93.4, typical: 40)])

            // Servers without scores, or never collected, answer an empty list.
            for server in ["cache-02", "new-box"] {
                let (emptyStatus, _, emptyBody) = try await client.get("/api/servers/\(server)/anomalies")
                #expect(emptyStatus == .ok && String(decoding: emptyBody, as: UTF8.self) == "[]", "\(server)")
            }
        }
    }

    @Test func theWindowDefaultsToTheLast24HoursAndFollowsFromAndTo() async throws {
        let api = try await APIHarness.make()
        let ids = try await api.test.addServers(1, prefix: "spiky")
        let id = try #require(ids["spiky-000"])
        let now = Date()
        // Anomalies 3 days, 30 hours and 2 hours ago.
        for hours in [72.0, 30, 2] {
            try await api.test.database.samples.store(makeSample(at: now.addingTimeInterval(-hours * 3600), cpu: 99), serverID: id)
        }
        let scores = (0..<3).map { SeededAnomalies.Score(sample: $0, score: 0.9, reason: [AnomalyReason(figure: "cpu_percent", value: 99, typical: 20)]) }
        let times = try await SeededAnomalies.seed(api.test.database, server: "spiky-000", scores: scores)
        try await api.withClient { client in
            let recent = try await client.get("/api/servers/spiky-000/anomalies")
            #expect(recent.status == .ok)
            #expect(try Self.stamps(recent.body).count == 1)
            #expect(abs(try Self.stamps(recent.body)[0].timeIntervalSince(times[2])) < 0.001)

            let from = Timestamp.format(now.addingTimeInterval(-4 * 86_400))
            let all = try await client.get("/api/servers/spiky-000/anomalies?from=\(from)")
            #expect(try Self.stamps(all.body).count == 3)
            // `to` is not included: a window ending at the oldest anomaly's time leaves it out.
            let before = try await client.get("/api/servers/spiky-000/anomalies?from=\(from)&to=\(Timestamp.format(times[0]))")
            #expect(try Self.stamps(before.body).isEmpty)
            let first = try await client.get("/api/servers/spiky-000/anomalies?from=\(Timestamp.format(times[0]))&to=\(Timestamp.format(times[1]))")
            #expect(try Self.stamps(first.body).count == 1)
        }
    }

    @Test func theThresholdComesFromTheSettings() async throws {
        let api = try await APIHarness.make(environment: ["ANOMALY_SCORE_THRESHOLD": "0.8"])
        try await SeededFleet.seed(api.test)
        try await SeededAnomalies.seed(api.test.database)
        try await api.withClient { client in
            let (_, value) = try await client.json("/api/servers/web-01/anomalies")
            #expect((value as? [[String: Any]])?.map { $0["score"] as? Double } == [0.82])
        }
        #expect(try APISettings(environment: [:]).anomalyScoreThreshold == 0.65)
        for bad in ["1.5", "0", "1", "high", "nan"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try APISettings(environment: ["ANOMALY_SCORE_THRESHOLD": bad]) }
        }
    }

    @Test func badParametersAndUnknownServersAnswerTheErrorDocument() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let cases: [(uri: String, status: HTTPResponse.Status, code: String, names: String)] = [
                ("/api/servers/web-01/anomalies?from=yesterday", .badRequest, "BAD_PARAMETER", "'from'"),
                ("/api/servers/web-01/anomalies?to=2026-13-45T99:00:00Z", .badRequest, "BAD_PARAMETER", "'to'"),
                ("/api/servers/web-01/anomalies?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", .badRequest, "BAD_PARAMETER", "earlier"),
                ("/api/servers/web-01/anomalies?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", .badRequest, "BAD_PARAMETER", "400 days"),
                ("/api/servers/ghost/anomalies", .notFound, "SERVER_NOT_FOUND", "ghost"),
                ("/api/servers/%3Cscript%3E/anomalies", .notFound, "SERVER_NOT_FOUND", "no server named"),
            ]
            for example in cases {
                let (status, value) = try await client.json(example.uri)
                #expect(status == example.status, "\(example.uri)")
                let error = try #require(ErrorAnswer(value), "\(example.uri)")
                #expect(error.code == example.code, "\(example.uri)")
                #expect(error.message.contains(example.names), "\(example.uri): \(error.message)")
            }
        }
    }

    @Test func anUnreachableDatabaseAnswers503() async throws {
        let port = try unusedPort()
        let api = try await APIHarness.make(databaseURL: "postgresql://nobody:none@127.0.0.1:\(port)/none?connect_timeout=2")
        try await api.withClient { client in
            let (status, value) = try await client.json("/api/servers/web-01/anomalies")
            #expect(status == .serviceUnavailable)
            #expect(ErrorAnswer(value)?.code == "DATABASE_UNAVAILABLE")
            // `/metrics` still answers, without the anomaly gauge.
            let (metricsStatus, _, body) = try await client.get("/metrics")
            let text = String(decoding: body, as: UTF8.self)
            #expect(metricsStatus == .ok)
            #expect(text.contains("server_dashboard_database_up 0\n"))
            #expect(!text.contains("server_dashboard_anomaly_score"))
        }
    }

    @Test func metricsExportTheLatestScoreOfEachEnabledServerThatHasOne() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await SeededAnomalies.seed(api.test.database)
        // The critical server's only sample scores 0.3: a latest score below the threshold is exported too.
        try await SeededAnomalies.seed(api.test.database, server: SeededFleet.critical, scores: [SeededAnomalies.Score(sample: 0, score: 0.3)])
        try await SeededAnomalies.seed(api.test.database, server: SeededFleet.stale, scores: [SeededAnomalies.Score(sample: 0, score: 0.95)])
        // The stale server leaves the inventory: disabled, its score is no longer exported.
        let kept = SeededFleet.names.filter { $0 != SeededFleet.stale }
        try await api.test.database.servers.sync(inventory: kept.map { ServerConfig(name: $0, host: "127.0.0.1", username: "probe") })
        try await api.withClient { client in
            let text = String(decoding: try await client.get("/metrics").body, as: UTF8.self)
            #expect(text.contains("# HELP server_dashboard_anomaly_score "))
            #expect(text.contains("# TYPE server_dashboard_anomaly_score gauge\n"))
            let lines = text.split(separator: "\n").filter { $0.hasPrefix("server_dashboard_anomaly_score{") }
            // web-01's latest sample scored 0.71.
            #expect(lines == [#"server_dashboard_anomaly_score{server="db 01 ünïcødé"} 0.3"#, #"server_dashboard_anomaly_score{server="web-01"} 0.71"#])
        }
    }

    @Test func theRepositoryCountsAnomaliesPerServerAndDropsUnreadableReasons() async throws {
        let test = try await TestDatabase.make()
        let ids = try await SeededFleet.seed(test)
        try await SeededAnomalies.seed(test.database)
        let now = Date()
        let healthy = try #require(ids[SeededFleet.healthy])
        let counts = try await test.database.anomalies.anomalyCounts(from: now.addingTimeInterval(-86_400), to: now, threshold: 0.65)
        #expect(counts == [healthy: 3])
        #expect(try await test.database.anomalies.anomalyCounts(from: now.addingTimeInterval(-86_400), to: now, threshold: 0.8) == [healthy: 1])
        let earlier = try await test.database.anomalies.anomalyCounts(
            from: now.addingTimeInterval(-86_400 * 3), to: now.addingTimeInterval(-86_400), threshold: 0)
        #expect(earlier.isEmpty)

        // A reason written by hand with a value that is not a number and an entry without a figure:
        // those entries are left out, the rest is read.
        try await test.database.pool.query(
            """
            UPDATE anomaly_scores SET reason = '[{"figure":"cpu_percent","value":"NaN","typical":3},{"value":1,"typical":2},{"figure":"load_1","value":4,"typical":0.5}]'::jsonb
            WHERE score = 0.66
            """)
        let read = try await test.database.anomalies.anomalies(serverID: healthy, from: now.addingTimeInterval(-86_400), to: now, threshold: 0.65)
        #expect(read.map(\.score) == [0.82, 0.66, 0.71])
        #expect(read[1].reason == [AnomalyReason(figure: "load_1", value: 4, typical: 0.5)])
        // Bounded: the newest of them, still oldest first.
        let newest = try await test.database.anomalies.anomalies(serverID: healthy, from: now.addingTimeInterval(-86_400), to: now, threshold: 0.65, limit: 2)
        #expect(newest.map(\.score) == [0.66, 0.71])
    }
}

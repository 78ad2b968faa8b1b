import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `GET /api/events` on the real api process over a real PostgreSQL (docs/api.md "Live
/// events"): events from the collector's writes, resume, the client limit, slow readers
/// and the end on SIGTERM.
@Suite(.tags(.postgres, .builtProducts)) struct EventStreamTests {
    static func startAPI(_ test: TestDatabase, _ extra: [String: String] = [:]) async throws -> RunningService {
        var environment = ["DATABASE_URL": test.url, "DATABASE_POOL_SIZE": "4", "LOG_LEVEL": "info", "LOG_FORMAT": "json"]
        environment.merge(extra) { _, new in new }
        let api = try await RunningService.start("api", portVariable: "API_PORT", hostVariable: "API_HOST", healthPath: "/api/health", environment: environment)
        try await api.waitForLiveCache()
        return api
    }

    /// Records a run of `servers` as the collector does (start, one outcome each, finish).
    static func recordRun(_ database: Database, servers: [String: Int64], at time: Date) async throws -> Int64 {
        let runID = try await database.runs.start(at: time, serversTotal: servers.count)
        for (name, id) in servers {
            try await database.runs.record(
                ServerOutcome(serverName: name, failure: nil, attempts: 1, durationMilliseconds: 3, finishedAt: time), runID: runID, serverID: id)
        }
        try await database.runs.finish(runID: runID, at: time.addingTimeInterval(1), state: .completed)
        return runID
    }

    @Test func aFinishedRunAndAnAlertArriveAsEventsAndResumeReplaysWhatWasMissed() async throws {
        let test = try await TestDatabase.make()
        let servers = try await SeededFleet.seed(test)
        let api = try await Self.startAPI(test)
        defer { api.cleanUp() }

        let client = try EventStreamClient(port: api.port)
        try await client.wait("the stream's head") { $0.body.text.contains("retry: 3000") }
        let head = try #require(client.head).lowercased()
        #expect(head.hasPrefix("http/1.1 200"))
        #expect(head.contains("content-type: text/event-stream"))
        #expect(head.contains("cache-control: no-cache"))
        #expect(head.contains("x-accel-buffering: no"))

        let time = Date()
        let runServers = [SeededFleet.healthy: servers[SeededFleet.healthy]!, SeededFleet.warning: servers[SeededFleet.warning]!]
        let runID = try await Self.recordRun(test.database, servers: runServers, at: time)
        try await client.wait("the collection event") { !$0.data(of: "collection").isEmpty }
        let collection = try #require(client.data(of: "collection").first)
        #expect((collection["run_id"] as? NSNumber)?.int64Value == runID)
        #expect(collection["servers"] as? [String] == runServers.keys.sorted())
        #expect((collection["finished_at"] as? String)?.hasSuffix("Z") == true)

        let serverID = try #require(servers[SeededFleet.healthy])
        try await test.database.alerts.apply([.open(.disk, .critical, message: "disk 97%", value: 97)], serverID: serverID, at: time.addingTimeInterval(2))
        try await client.wait("the opened alert") { $0.data(of: "alert").contains { $0["state"] as? String == "opened" } }
        try await test.database.alerts.apply([.resolve(.disk)], serverID: serverID, at: time.addingTimeInterval(3))
        try await client.wait("the resolved alert") { $0.data(of: "alert").contains { $0["state"] as? String == "resolved" } }
        let alerts = client.data(of: "alert")
        #expect(alerts.map { $0["state"] as? String } == ["opened", "resolved"])
        for alert in alerts {
            #expect(alert["server"] as? String == SeededFleet.healthy)
            #expect(alert["type"] as? String == "disk")
            #expect(alert["severity"] as? String == "critical")
            #expect(alert["id"] is NSNumber)
        }
        let ids = client.events.compactMap(\.id)
        #expect(ids.count == 3 && ids == ids.sorted() && Set(ids).count == 3, "\(ids)")

        // Resume after the collection event: the two alert events, and nothing before.
        let resumed = try EventStreamClient(port: api.port, headers: ["Last-Event-ID: \(ids[0])"])
        try await resumed.wait("the replay") { $0.events.count >= 2 }
        try await Task.sleep(for: .milliseconds(200))
        resumed.poll()
        #expect(resumed.events.map(\.id) == Array(ids[1...]))
        // An id older than anything held replays all the api holds; the newest id replays nothing.
        let fromOld = try EventStreamClient(port: api.port, headers: ["Last-Event-ID: 1"])
        try await fromOld.wait("the full replay") { $0.events.count >= 3 }
        #expect(fromOld.events.map(\.id) == ids)
        let fromNewest = try EventStreamClient(port: api.port, headers: ["Last-Event-ID: \(ids[2])"])
        try await fromNewest.wait("the head") { $0.body.text.contains("retry: 3000") }
        try await Task.sleep(for: .milliseconds(200))
        fromNewest.poll()
        #expect(fromNewest.events.isEmpty)

        let metrics = try #require(try await api.get("/metrics"))
        #expect(metrics.body.contains("server_dashboard_event_streams 4"), "\(metrics.body.split(separator: "\n").filter { $0.contains("event_streams") })")
    }

    @Test func streamsBeyondTheLimitAnswer503WithTheErrorDocument() async throws {
        let test = try await TestDatabase.make()
        let api = try await Self.startAPI(test, ["EVENTS_MAX_CLIENTS": "2"])
        defer { api.cleanUp() }
        let first = try EventStreamClient(port: api.port)
        let second = try EventStreamClient(port: api.port)
        for client in [first, second] {
            try await client.wait("a stream") { $0.body.text.contains("retry: 3000") }
        }
        let third = try #require(try await api.get("/api/events"))
        #expect(third.status == 503)
        #expect(third.headers["retry-after"] == "10")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(third.body.utf8)) as? [String: Any])
        #expect(document["success"] as? Bool == false)
        #expect((document["details"] as? [String: Any])?["code"] as? String == "TOO_MANY_EVENT_STREAMS")
        // The 503 and the stream are what openapi.json documents.
        let validator = JSONSchemaValidator(document: try OpenAPIDocumentTests.document())
        #expect(
            validator.validate(try JSONValue.parse(Data(third.body.utf8)), schemaAt: "#/paths/~1api~1events/get/responses/503/content/application~1json/schema")
                .isEmpty)
        #expect(validator.resolve("#/paths/~1api~1events/get/responses/200/content/text~1event-stream; charset=utf-8") != nil)
    }

    @Test func aClientThatDoesNotReadIsDroppedWhileAnotherKeepsReceiving() async throws {
        let test = try await TestDatabase.make()
        // A long name makes every alert event about 400 bytes.
        let longName = "slow-" + String(repeating: "x", count: 190)
        let ids = try await test.database.servers.sync(inventory: [
            ServerConfig(name: longName, host: "127.0.0.1", username: "u", password: Secret("p")),
            ServerConfig(name: "marker", host: "127.0.0.1", username: "u", password: Secret("p")),
        ])
        let busyID = try #require(ids[longName])
        let markerID = try #require(ids["marker"])
        let api = try await Self.startAPI(test)
        defer { api.cleanUp() }

        let slow = try EventStreamClient(port: api.port, receiveBuffer: 4096)
        let reader = try EventStreamClient(port: api.port)
        try await reader.wait("the stream") { $0.body.text.contains("retry: 3000") }
        try await Task.sleep(for: .milliseconds(200))
        // About 8 MB of events, more than the socket buffers and the api's 1 MiB queue hold.
        var scanned = 0
        for batch in 0..<4 {
            try await test.database.pool.query(
                """
                INSERT INTO alerts (server_id, type, severity, message, opened_at, updated_at)
                SELECT \(busyID), 'bulk-' || g, 'warning', 'bulk', now(), now() FROM generate_series(\(batch * 5000)::integer, \(batch * 5000 + 4999)::integer) AS g
                """)
            // The reader keeps up meanwhile.
            for _ in 0..<25 {
                reader.poll()
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await test.database.alerts.apply([.open(.cpu, .critical, message: "cpu 99%", value: 99)], serverID: markerID, at: Date())
        try await reader.wait(timeout: .seconds(60), "the marker event at the reader") { client in
            defer { scanned = max(0, client.received.count - 4096) }
            return client.rawContains("\"server\":\"marker\"", from: scanned)
        }
        #expect(!reader.closed)

        // The slow client was dropped: reading now, it finds the end of its connection, never the marker.
        try await slow.wait(timeout: .seconds(60), "the slow client's disconnection") { $0.closed }
        #expect(!slow.rawContains("\"server\":\"marker\"", from: 0))
        let metrics = try #require(try await api.get("/metrics"))
        #expect(metrics.body.contains("server_dashboard_event_streams 1"), "\(metrics.body.split(separator: "\n").filter { $0.contains("event_streams") })")
    }

    @Test func sigtermEndsEveryStreamCleanlyAndTheProcessExitsZero() async throws {
        let test = try await TestDatabase.make()
        let api = try await Self.startAPI(test)
        defer { api.cleanUp() }
        let clients = try (0..<3).map { _ in try EventStreamClient(port: api.port) }
        for client in clients {
            try await client.wait("a stream") { $0.body.text.contains("retry: 3000") }
        }
        api.signal(SIGTERM)
        for client in clients {
            try await client.wait(timeout: .seconds(30), "the stream's clean end") { $0.body.ended && $0.closed }
        }
        #expect(await api.waitForExit() == 0, "\(api.log)")
    }
}

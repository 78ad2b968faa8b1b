import DashboardCore
import DashboardStorage
import DashboardWire
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@testable import API

/// PostgreSQL stopped under the running api (its services included): what the api holds in
/// memory is answered 200 from the last fleet it read, marked stale (docs/api.md "During a
/// database outage"); what needs the database answers 503; and once PostgreSQL is back the
/// answers are fresh again, without the marks, on their own.
@Suite(.tags(.postgres)) struct StaleAnswerTests {
    /// The endpoints answered from the last known fleet, and whether their object carries `stale_since`.
    static func cachedEndpoints() -> [(uri: String, operation: String, carriesStaleSince: Bool)] {
        let critical = SeededFleet.critical.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return [
            ("/api/servers/metrics/latest", "GET /api/servers/metrics/latest", false),
            ("/api/system/overview", "GET /api/system/overview", true),
            ("/api/servers", "GET /api/servers", false),
            ("/api/servers/\(critical)", "GET /api/servers/{server_name}", true),
            ("/api/servers/\(SeededFleet.healthy)", "GET /api/servers/{server_name}", true),
            ("/api/servers/\(critical)/status", "GET /api/servers/{server_name}/status", false),
            ("/api/servers/\(SeededFleet.healthy)/filesystems", "GET /api/servers/{server_name}/filesystems", false),
        ]
    }

    /// What needs the database: 503 with the error document during the outage.
    static let databaseOnly = [
        "/api/servers/\(SeededFleet.healthy)/metrics/history",
        "/api/servers/\(SeededFleet.healthy)/metrics/history.csv",
        "/api/servers/\(SeededFleet.healthy)/metrics/history.xlsx",
        "/api/servers/\(SeededFleet.healthy)/metrics/historical/24",
        "/api/users/top", "/api/users/top.csv", "/api/alerts", "/api/collector/runs",
    ]

    @Test func cachedEndpointsAnswerTheLastFleetMarkedStaleAndRecoverOnTheirOwn() async throws {
        try await OwnCluster.with { cluster in try await Self.outage(cluster) }
    }

    static func outage(_ cluster: OwnCluster) async throws {
        let api = try await APIHarness.make(databaseURL: cluster.url, migrate: true)
        try await SeededFleet.seed(api.dependencies.database)
        var logger = Logger(label: "api-stale-test")
        logger.logLevel = .critical
        let app = buildApplication(api.dependencies, logger: logger)
        try await app.test(.live) { client in
            let validator = JSONSchemaValidator(document: try OpenAPIDocumentTests.document())
            _ = try await Self.waitUntil("the cache goes live") {
                let (_, value) = try await client.json("/api/health")
                return (value as? [String: Any])?["cache"] as? String == "live"
            }
            // Fresh: no marks, `stale_since` null; the bodies are kept to compare.
            var fresh: [String: Data] = [:]
            for endpoint in Self.cachedEndpoints() {
                let (status, headers, body) = try await client.get(endpoint.uri)
                #expect(status == .ok, "\(endpoint.uri) before")
                #expect(headers[Staleness.warning] == nil && headers[Staleness.staleSince] == nil, "\(endpoint.uri) before")
                if endpoint.carriesStaleSince {
                    let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                    #expect(object["stale_since"] is NSNull, "\(endpoint.uri) before")
                }
                fresh[endpoint.uri] = body
            }
            let stoppedAt = Date()
            try await cluster.run("stop")
            // The api learns of the outage when its LISTEN connection breaks or a read fails.
            _ = try await Self.waitUntil("the api notices the outage") {
                try await client.get("/api/servers/metrics/latest").headers[Staleness.warning] != nil
            }

            let loadsBefore = await api.dependencies.cache.fleetLoads
            for round in 0..<3 {
                for endpoint in Self.cachedEndpoints() {
                    let (status, headers, body) = try await client.get(endpoint.uri)
                    #expect(status == .ok, "\(endpoint.uri) while stopped (round \(round)): \(String(decoding: body.prefix(200), as: UTF8.self))")
                    #expect(headers[Staleness.warning] == "110 - \"Response is Stale\"", "\(endpoint.uri)")
                    let since = try #require(headers[Staleness.staleSince].flatMap(Timestamp.parse), "\(endpoint.uri): X-Stale-Since")
                    let asOf = try #require(headers[Staleness.dataAsOf].flatMap(Timestamp.parse), "\(endpoint.uri): X-Data-As-Of")
                    #expect(since >= stoppedAt.addingTimeInterval(-1) && since <= Date(), "\(endpoint.uri): stale since \(since)")
                    #expect(asOf <= since, "\(endpoint.uri): figures read at \(asOf), after the outage began at \(since)")
                    let value = try JSONSerialization.jsonObject(with: body)
                    if endpoint.carriesStaleSince {
                        let object = try #require(value as? [String: Any])
                        #expect((object["stale_since"] as? String).flatMap(Timestamp.parse) == since, "\(endpoint.uri): stale_since")
                    }
                    Self.expectSameFigures(stale: body, fresh: try #require(fresh[endpoint.uri]), uri: endpoint.uri)
                    let answer = OpenAPIDocumentTests.Answer(
                        example: .init(operation: endpoint.operation, uri: endpoint.uri, status: .ok), status: status, headers: headers, body: body)
                    let problems = OpenAPIDocumentTests.check(answer, validator).problems
                    #expect(problems.isEmpty, "\(endpoint.uri):\n\(problems.joined(separator: "\n"))")
                }
            }
            // The shared types read `stale_since`.
            let (_, _, overviewBody) = try await client.get("/api/system/overview")
            #expect(try DashboardJSON.makeDecoder().decode(Overview.self, from: overviewBody).staleSince != nil)
            let (_, _, detailBody) = try await client.get("/api/servers/\(SeededFleet.healthy)")
            #expect(try DashboardJSON.makeDecoder().decode(ServerDetailRecord.self, from: detailBody).staleSince != nil)
            // During the outage requests do not each try the database: a read at most every failFastInterval.
            let loadsDuring = await api.dependencies.cache.fleetLoads - loadsBefore
            #expect(loadsDuring <= 4, "\(loadsDuring) fleet reads for \(3 * Self.cachedEndpoints().count + 2) requests")

            for uri in Self.databaseOnly {
                let (status, headers, body) = try await client.get(uri)
                #expect(status == .serviceUnavailable, "\(uri) while stopped")
                #expect(headers[.retryAfter] == "5" && headers[Staleness.warning] == nil, "\(uri)")
                #expect(ErrorAnswer(try JSONSerialization.jsonObject(with: body))?.code == "DATABASE_UNAVAILABLE", "\(uri)")
            }
            let (healthStatus, health) = try await client.json("/api/health")
            #expect(healthStatus == .serviceUnavailable)
            #expect((health as? [String: Any])?["status"] as? String == "unhealthy")
            // An unknown server is not claimed absent while the database cannot tell.
            #expect(try await client.get("/api/servers/nope").status == .serviceUnavailable)

            try await cluster.run("start")
            // Fresh again, on its own, within a bounded wait: no marks, `stale_since` null.
            _ = try await Self.waitUntil("the answers are fresh again") {
                let (status, headers, _) = try await client.get("/api/system/overview")
                let (latestStatus, latestHeaders, _) = try await client.get("/api/servers/metrics/latest")
                return status == .ok && headers[Staleness.warning] == nil && latestStatus == .ok && latestHeaders[Staleness.warning] == nil
            }
            for endpoint in Self.cachedEndpoints() {
                let (status, headers, body) = try await client.get(endpoint.uri)
                #expect(status == .ok, "\(endpoint.uri) after")
                #expect(
                    headers[Staleness.warning] == nil && headers[Staleness.staleSince] == nil && headers[Staleness.dataAsOf] == nil, "\(endpoint.uri) after")
                if endpoint.carriesStaleSince {
                    let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                    #expect(object["stale_since"] is NSNull, "\(endpoint.uri) after")
                }
            }
            #expect(try await client.get("/api/servers/\(SeededFleet.healthy)/metrics/history").status == .ok)
            #expect(await api.dependencies.cache.databaseUnreachableSince == nil)
        }
    }

    /// The stale answer shows the figures the fresh one did: the same JSON but for
    /// `stale_since` and what ages with the clock (status, offline counts).
    static func expectSameFigures(stale: Data, fresh: Data, uri: String) {
        func normalised(_ data: Data) -> String {
            guard var value = try? JSONSerialization.jsonObject(with: data) else { return "" }
            let ageing: Set = [
                "stale_since", "status", "cpu_status", "ram_status", "disk_status", "online_servers", "offline_servers", "avg_cpu", "avg_ram", "avg_disk",
            ]
            func strip(_ value: Any) -> Any {
                if let object = value as? [String: Any] { return object.filter { !ageing.contains($0.key) }.mapValues(strip) }
                if let array = value as? [Any] { return array.map(strip) }
                return value
            }
            value = strip(value)
            return (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])).map { String(decoding: $0, as: UTF8.self) }
                ?? ""
        }
        #expect(!normalised(fresh).isEmpty && normalised(stale) == normalised(fresh), "\(uri): the stale figures differ from the last fresh ones")
    }

    /// Polls `check` every 200 ms until it is true (at most 30 s).
    static func waitUntil(_ what: String, _ check: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<150 {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestEnvironmentError("\(what) did not happen within 30 s")
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// `GET /api/openapi.json` is true: it documents exactly the routes the router registers,
/// and what every route answers for the seeded fleet matches its documented schema, field
/// for field (a field added, removed or renamed in a handler fails here).
@Suite(.tags(.postgres)) struct OpenAPIDocumentTests {
    /// Documented routes that another branch adds and that are not in this router yet.
    /// Empty this list once they are merged: then a documented route the router lacks fails.
    static let pendingRoutes: Set<String> = []

    /// One request and the status it must answer.
    struct Example: Sendable, CustomStringConvertible {
        /// `METHOD /documented/{path}`.
        let operation: String
        let uri: String
        let status: HTTPResponse.Status
        /// Sends the `ETag` of a first answer back in `If-None-Match`.
        var conditional = false

        var description: String { "\(uri) → \(status.code)" }
    }

    /// Valid and invalid requests for every documented operation, over ``SeededFleet``.
    static func examples(runID: Int64) -> [Example] {
        let critical = SeededFleet.critical.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let now = Date()
        let from = Timestamp.format(now.addingTimeInterval(-7200))
        let to = Timestamp.format(now)
        let history = "GET /api/servers/{server_name}/metrics/history"
        let historyCSV = "GET /api/servers/{server_name}/metrics/history.csv"
        let historyXLSX = "GET /api/servers/{server_name}/metrics/history.xlsx"
        let anomalies = "GET /api/servers/{server_name}/anomalies"
        let events = "GET /api/servers/{server_name}/events"
        return [
            Example(operation: "GET /api/health", uri: "/api/health", status: .ok),
            Example(operation: "GET /api/servers/metrics/latest", uri: "/api/servers/metrics/latest", status: .ok),
            Example(operation: "GET /api/servers/metrics/latest", uri: "/api/servers/metrics/latest", status: .notModified, conditional: true),
            Example(operation: "GET /api/system/overview", uri: "/api/system/overview", status: .ok),
            Example(operation: "GET /api/system/overview", uri: "/api/system/overview", status: .notModified, conditional: true),
            Example(operation: "GET /api/servers", uri: "/api/servers", status: .ok),
            Example(operation: "GET /api/servers", uri: "/api/servers?status=offline&include_disabled=true", status: .ok),
            Example(operation: "GET /api/servers", uri: "/api/servers?status=broken", status: .badRequest),
            Example(operation: "GET /api/servers/{server_name}", uri: "/api/servers/\(SeededFleet.healthy)", status: .ok),
            Example(operation: "GET /api/servers/{server_name}", uri: "/api/servers/\(SeededFleet.failing)", status: .ok),
            Example(operation: "GET /api/servers/{server_name}", uri: "/api/servers/\(SeededFleet.neverCollected)", status: .ok),
            Example(operation: "GET /api/servers/{server_name}", uri: "/api/servers/nope", status: .notFound),
            Example(operation: "GET /api/servers/{server_name}/status", uri: "/api/servers/\(critical)/status", status: .ok),
            Example(operation: "GET /api/servers/{server_name}/status", uri: "/api/servers/\(SeededFleet.neverCollected)/status", status: .ok),
            Example(operation: "GET /api/servers/{server_name}/status", uri: "/api/servers/nope/status", status: .notFound),
            Example(
                operation: "GET /api/servers/{server_name}/metrics/historical/{hours}", uri: "/api/servers/\(SeededFleet.healthy)/metrics/historical/24",
                status: .ok),
            Example(
                operation: "GET /api/servers/{server_name}/metrics/historical/{hours}", uri: "/api/servers/\(SeededFleet.healthy)/metrics/historical/2161",
                status: .badRequest),
            Example(operation: "GET /api/servers/{server_name}/metrics/historical/{hours}", uri: "/api/servers/nope/metrics/historical/24", status: .notFound),
            Example(operation: history, uri: "/api/servers/\(SeededFleet.healthy)/metrics/history", status: .ok),
            Example(operation: history, uri: "/api/servers/\(SeededFleet.healthy)/metrics/history?from=\(from)&to=\(to)&step=60", status: .ok),
            Example(operation: history, uri: "/api/servers/\(SeededFleet.healthy)/metrics/history?step=1", status: .badRequest),
            Example(operation: history, uri: "/api/servers/nope/metrics/history", status: .notFound),
            Example(operation: historyCSV, uri: "/api/servers/\(SeededFleet.healthy)/metrics/history.csv", status: .ok),
            Example(operation: historyCSV, uri: "/api/servers/\(SeededFleet.healthy)/metrics/history.csv?step=1", status: .badRequest),
            Example(operation: historyCSV, uri: "/api/servers/nope/metrics/history.csv", status: .notFound),
            Example(operation: historyXLSX, uri: "/api/servers/\(SeededFleet.healthy)/metrics/history.xlsx", status: .ok),
            Example(operation: historyXLSX, uri: "/api/servers/\(SeededFleet.healthy)/metrics/history.xlsx?step=1", status: .badRequest),
            Example(operation: historyXLSX, uri: "/api/servers/nope/metrics/history.xlsx", status: .notFound),
            Example(operation: anomalies, uri: "/api/servers/\(SeededFleet.healthy)/anomalies", status: .ok),
            Example(operation: anomalies, uri: "/api/servers/\(SeededFleet.healthy)/anomalies?from=\(from)&to=\(to)", status: .ok),
            Example(operation: anomalies, uri: "/api/servers/\(SeededFleet.healthy)/anomalies?to=\(from)&from=\(to)", status: .badRequest),
            Example(operation: anomalies, uri: "/api/servers/nope/anomalies", status: .notFound),
            Example(operation: events, uri: "/api/servers/\(DeeperFleet.deep)/events", status: .ok),
            Example(operation: events, uri: "/api/servers/\(DeeperFleet.deep)/events?from=\(from)&to=\(to)&limit=5", status: .ok),
            Example(operation: events, uri: "/api/servers/\(DeeperFleet.deep)/events?limit=1001", status: .badRequest),
            Example(operation: events, uri: "/api/servers/nope/events", status: .notFound),
            Example(operation: "GET /api/servers/{server_name}", uri: "/api/servers/\(DeeperFleet.deep)", status: .ok),
            Example(operation: "GET /api/servers/{server_name}/filesystems", uri: "/api/servers/\(SeededFleet.healthy)/filesystems", status: .ok),
            Example(operation: "GET /api/servers/{server_name}/filesystems", uri: "/api/servers/\(SeededFleet.neverCollected)/filesystems", status: .ok),
            Example(operation: "GET /api/servers/{server_name}/filesystems", uri: "/api/servers/nope/filesystems", status: .notFound),
            Example(operation: "GET /api/servers/{server_name}/forecast", uri: "/api/servers/\(SeededFleet.healthy)/forecast", status: .ok),
            Example(operation: "GET /api/servers/{server_name}/forecast", uri: "/api/servers/nope/forecast", status: .notFound),
            Example(operation: "GET /api/servers/{server_name}/failures", uri: "/api/servers/\(SeededFleet.failing)/failures", status: .ok),
            Example(operation: "GET /api/servers/{server_name}/failures", uri: "/api/servers/\(SeededFleet.failing)/failures?limit=0", status: .badRequest),
            Example(operation: "GET /api/servers/{server_name}/failures", uri: "/api/servers/nope/failures", status: .notFound),
            Example(operation: "GET /api/users/top", uri: "/api/users/top", status: .ok),
            Example(operation: "GET /api/users/top", uri: "/api/users/top?server=\(SeededFleet.healthy)&q=a&sort=username&order=asc&limit=5", status: .ok),
            Example(operation: "GET /api/users/top", uri: "/api/users/top?sort=password", status: .badRequest),
            Example(operation: "GET /api/users/top.csv", uri: "/api/users/top.csv", status: .ok),
            Example(operation: "GET /api/users/top.csv", uri: "/api/users/top.csv?limit=0", status: .badRequest),
            Example(operation: "GET /api/users/top.xlsx", uri: "/api/users/top.xlsx", status: .ok),
            Example(operation: "GET /api/users/top.xlsx", uri: "/api/users/top.xlsx?order=sideways", status: .badRequest),
            Example(operation: "GET /api/alerts", uri: "/api/alerts", status: .ok),
            Example(operation: "GET /api/alerts", uri: "/api/alerts?state=all&limit=10", status: .ok),
            Example(operation: "GET /api/alerts", uri: "/api/alerts?state=maybe", status: .badRequest),
            Example(operation: "GET /api/alerts", uri: "/api/alerts?state=all&server=\(critical)", status: .ok),
            Example(operation: "GET /api/silences", uri: "/api/silences", status: .ok),
            Example(operation: "GET /api/silences", uri: "/api/silences?include=ended", status: .ok),
            Example(operation: "GET /api/silences", uri: "/api/silences?include=forever", status: .badRequest),
            Example(operation: "GET /api/notifications", uri: "/api/notifications", status: .ok),
            Example(operation: "GET /api/notifications", uri: "/api/notifications?state=failed&limit=10", status: .ok),
            Example(operation: "GET /api/notifications", uri: "/api/notifications?state=sent", status: .badRequest),
            Example(operation: "GET /api/collector/runs", uri: "/api/collector/runs", status: .ok),
            Example(operation: "GET /api/collector/runs", uri: "/api/collector/runs?limit=abc", status: .badRequest),
            Example(operation: "GET /api/collector/runs/{run_id}", uri: "/api/collector/runs/\(runID)", status: .ok),
            Example(operation: "GET /api/collector/runs/{run_id}", uri: "/api/collector/runs/0", status: .badRequest),
            Example(operation: "GET /api/collector/runs/{run_id}", uri: "/api/collector/runs/\(runID + 1000)", status: .notFound),
            Example(operation: "GET /metrics", uri: "/metrics", status: .ok),
            Example(operation: "GET /api/openapi.json", uri: "/api/openapi.json", status: .ok),
            Example(operation: "GET /api/events", uri: "/api/events", status: .ok),
        ]
    }

    /// Operations whose answer never ends (the live event stream): not sent here, which reads
    /// whole bodies; EventStreamTests checks their answers against this document.
    static let streamingOperations: Set = ["GET /api/events"]

    /// The embedded document.
    static func document() throws -> JSONValue {
        try JSONValue.parse(Data(PackageResources.openapi_json))
    }

    /// `GET /path` for every operation of the document.
    static func documentedOperations(_ document: JSONValue) -> Set<String> {
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var operations: Set<String> = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in methods where item[method] != nil {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    /// `GET /path` for every route of the router, captures written `{name}` as in OpenAPI.
    static func routerOperations(_ dependencies: APIDependencies) -> Set<String> {
        Set(buildRouter(dependencies).routes.map { "\($0.method.rawValue) \($0.path.description)" })
    }

    /// The JSON pointer of an operation's response for `status`, following a `$ref` to
    /// `#/components/responses/…`; `nil` when the status is not documented.
    static func responsePointer(_ document: JSONValue, operation: String, status: Int) -> String? {
        let parts = operation.split(separator: " ", maxSplits: 1)
        let path = String(parts[1]).replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        let pointer = "#/paths/\(path)/\(parts[0].lowercased())/responses/\(status)"
        let validator = JSONSchemaValidator(document: document)
        guard let response = validator.resolve(pointer) else { return nil }
        return response["$ref"]?.stringValue ?? pointer
    }

    @Test func theDocumentIsOpenAPI3AndServedAsIs() async throws {
        let document = try Self.document()
        #expect(document["openapi"]?.stringValue == "3.0.3")
        #expect(document["info"]?["title"]?.stringValue?.isEmpty == false)
        // Every $ref resolves and every operation has its own operationId.
        let validator = JSONSchemaValidator(document: document)
        var references: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let members):
                if let reference = members["$ref"]?.stringValue { references.append(reference) }
                members.values.forEach(collect)
            case .array(let elements): elements.forEach(collect)
            default: break
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in references { #expect(validator.resolve(reference) != nil, "unresolvable \(reference)") }
        let operationIDs = Self.documentedOperations(document).map { operation in
            let parts = operation.split(separator: " ", maxSplits: 1)
            return document["paths"]?[String(parts[1])]?[parts[0].lowercased()]?["operationId"]?.stringValue ?? ""
        }
        #expect(!operationIDs.contains(""))
        #expect(Set(operationIDs).count == operationIDs.count)

        let api = try await APIHarness.make()
        try await api.withClient { client in
            let (status, headers, body) = try await client.get("/api/openapi.json")
            #expect(status == .ok)
            #expect(headers[.contentType] == "application/json; charset=utf-8")
            #expect(Array(body) == PackageResources.openapi_json)
        }
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let document = try Self.document()
        let documented = Self.documentedOperations(document)
        let api = try await APIHarness.make()
        let routed = Self.routerOperations(api.dependencies)
        #expect(routed.count >= 13, "the router lists its routes: \(routed.sorted())")
        #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.json: \(routed.subtracting(documented).sorted())")
        #expect(Self.pendingRoutes.isSubset(of: documented), "pending routes must be documented: \(Self.pendingRoutes.subtracting(documented).sorted())")
        let missing = documented.subtracting(routed)
        #expect(
            missing.isSubset(of: Self.pendingRoutes), "documented but not in the router (and not pending): \(missing.subtracting(Self.pendingRoutes).sorted())")
        // Every documented operation has examples, pending ones included, so they are checked the day they arrive.
        #expect(Set(Self.examples(runID: 1).map(\.operation)) == documented)
    }

    /// What the api answered to one example.
    struct Answer: Sendable {
        let example: Example
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data
    }

    /// Sends `examples` (those the router has) and collects the answers.
    static func answers(to examples: [Example], api: APIHarness) async throws -> [Answer] {
        let answers = Collected<Answer>()
        try await api.withClient { client in
            for example in examples where !streamingOperations.contains(example.operation) {
                var headers: HTTPFields = [:]
                if example.conditional {
                    let first = try await client.get(example.uri)
                    let tag: String = try #require(first.headers[.eTag], "\(example): no ETag")
                    headers[.ifNoneMatch] = tag
                }
                let (status, answerHeaders, body) = try await client.get(example.uri, headers: headers)
                answers.append(Answer(example: example, status: status, headers: answerHeaders, body: body))
            }
        }
        return answers.values
    }

    /// The problems of an answer against the document: its status must be documented for
    /// its operation, its media type must be the documented one, and a JSON body must match
    /// the documented schema. Returns the response's pointer when the status is documented.
    static func check(_ answer: Answer, _ validator: JSONSchemaValidator) -> (pointer: String?, problems: [String]) {
        guard let pointer = responsePointer(validator.document, operation: answer.example.operation, status: Int(answer.status.code)) else {
            return (nil, ["status \(answer.status.code) is not documented for \(answer.example.operation)"])
        }
        guard let content = validator.resolve(pointer)?["content"]?.objectValue else {
            return (pointer, answer.body.isEmpty ? [] : ["documented without a body, answered \(answer.body.count) bytes"])
        }
        guard content.count == 1, let mediaType = content.keys.first else {
            return (pointer, ["document one media type per answer"])
        }
        if mediaType == "application/json" {
            guard answer.headers[.contentType] == JSONResponse.contentType else {
                return (pointer, ["Content-Type \(answer.headers[.contentType] ?? "none"), documented application/json"])
            }
            do {
                let value = try JSONValue.parse(answer.body)
                return (pointer, validator.validate(value, schemaAt: "\(pointer)/content/application~1json/schema"))
            } catch {
                return (pointer, ["not JSON: \(String(decoding: answer.body.prefix(200), as: UTF8.self))"])
            }
        }
        var problems: [String] = []
        if answer.headers[.contentType] != mediaType {
            problems.append("Content-Type \(answer.headers[.contentType] ?? "none"), documented \(mediaType)")
        }
        if answer.body.isEmpty { problems.append("empty body") }
        if validator.resolve(pointer)?["headers"]?["Content-Disposition"] != nil, answer.headers[.contentDisposition]?.hasPrefix("attachment") != true {
            problems.append("Content-Disposition \(answer.headers[.contentDisposition] ?? "none"), documented attachment")
        }
        return (pointer, problems)
    }

    @Test func everyAnswerMatchesItsDocumentedSchema() async throws {
        let document = try Self.document()
        let validator = JSONSchemaValidator(document: document)
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        // Silences and deliveries, so the fields of alerts, silences and notifications are checked on real objects.
        try await SeededAlerting.seed(api.test.database)
        // Anomalies with and without reasons, so their fields are checked too.
        try await SeededAnomalies.seed(api.test.database)
        // Processes, containers, failed units and change events, so their fields are checked too.
        try await DeeperFleet.seed(api.test.database, now: Date(), fleet: false)
        let routed = Self.routerOperations(api.dependencies)
        let runs = try await api.test.database.runs.recent(limit: 1)
        let runID = try #require(runs.first?.id)
        let examples = Self.examples(runID: runID).filter { routed.contains($0.operation) }
        var exercised: Set<String> = []
        var schemaRoots: [(schema: JSONValue, pointer: String)] = []
        for answer in try await Self.answers(to: examples, api: api) {
            let example = answer.example
            #expect(answer.status == example.status, "\(example): \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
            let (pointer, problems) = Self.check(answer, validator)
            #expect(problems.isEmpty, "\(example):\n\(problems.joined(separator: "\n"))")
            guard answer.status == example.status, let pointer else { continue }
            exercised.insert("\(example.operation) \(answer.status.code)")
            let schemaPointer = "\(pointer)/content/application~1json/schema"
            if let schema = validator.resolve(schemaPointer) { schemaRoots.append((schema, schemaPointer)) }
        }
        // Every status a test can trigger is exercised for every route the router has.
        for operation in routed where !Self.streamingOperations.contains(operation) {
            let parts = operation.split(separator: " ", maxSplits: 1)
            let responses = document["paths"]?[String(parts[1])]?[parts[0].lowercased()]?["responses"]?.objectValue ?? [:]
            for status in responses.keys where ["200", "304", "400", "404"].contains(status) {
                #expect(exercised.contains("\(operation) \(status)"), "\(operation) documents \(status), which no example exercised")
            }
        }
        // Every field list reachable from the answers was checked against a real object,
        // so no field can be added or renamed unnoticed behind an empty array or a null.
        let reachable = validator.objectSchemas(reachableFrom: schemaRoots)
        #expect(reachable.contains("#/components/schemas/Server/properties/last_error"))
        #expect(reachable.contains("#/components/schemas/ErrorDocument/properties/details"))
        #expect(reachable.contains("#/components/schemas/Alert/properties/silenced"))
        #expect(reachable.contains("#/components/schemas/AlertDelivery"))
        let unchecked = reachable.subtracting(validator.visitedObjectSchemas)
        #expect(unchecked.isEmpty, "never checked against data: \(unchecked.sorted())")
    }

    @Test func answersWhileTheDatabaseIsDownMatchTheirDocumentedSchema() async throws {
        let validator = JSONSchemaValidator(document: try Self.document())
        let port = try unusedPort()
        let api = try await APIHarness.make(databaseURL: "postgresql://nobody:none@127.0.0.1:\(port)/none?connect_timeout=2")
        let routed = Self.routerOperations(api.dependencies)
        var seen: Set<String> = []
        let examples = Self.examples(runID: 1).filter {
            $0.status == .ok && !$0.conditional && routed.contains($0.operation) && seen.insert($0.operation).inserted
        }
        #expect(seen.contains("GET /api/health"))
        // `/metrics` may be served from memory, the document is; every other route needs the database.
        let mayAnswerWithoutDatabase: Set = ["GET /metrics", "GET /api/openapi.json"]
        for answer in try await Self.answers(to: examples, api: api) {
            if !mayAnswerWithoutDatabase.contains(answer.example.operation) {
                #expect(answer.status == .serviceUnavailable, "\(answer.example.uri)")
            }
            let problems = Self.check(answer, validator).problems
            #expect(problems.isEmpty, "\(answer.example.uri):\n\(problems.joined(separator: "\n"))")
        }
    }
}

/// Values appended from a `@Sendable` closure, read after it returned.
final class Collected<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value] = []

    func append(_ value: Value) {
        lock.withLock { storage.append(value) }
    }

    var values: [Value] {
        lock.withLock { storage }
    }
}

import DashboardCore
import DashboardStorage
import DashboardWire
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// The served JSON, `openapi.json` and the shared wire types (DashboardWire) cannot drift
/// apart: for every documented GET route answering JSON, over a fleet where every optional
/// field is served with a value and as `null`, field by field and recursively,
/// (a) the served keys are the schema's properties, of the schema's types and nullability;
/// (b) decoding the answer into its shared type and encoding it again gives the same JSON;
/// (c) the keys the shared type encodes are the schema's properties.
@Suite(.tags(.postgres)) struct WireDriftTests {
    /// Decodes an answer into a shared type and encodes it again.
    struct Shape: Sendable {
        let name: String
        let roundTrip: @Sendable (Data) throws -> Data
        /// Decodes without encoding: whether the type accepts a document.
        let decode: @Sendable (Data) throws -> Void
    }

    static func shape<T: Codable & SendableMetatype>(_ type: T.Type) -> Shape {
        Shape(
            name: "\(T.self)",
            roundTrip: { data in try DashboardJSON.makeEncoder().encode(try DashboardJSON.makeDecoder().decode(T.self, from: data)) },
            decode: { data in _ = try DashboardJSON.makeDecoder().decode(T.self, from: data) }
        )
    }

    /// The shared type of every documented JSON route's 200 answer. Overview, the seed
    /// records and `FilesystemForecast` are DashboardCore types the api and the renderer share.
    static let shapes: [String: Shape] = [
        "/api/health": shape(HealthRecord.self),
        "/api/servers": shape([ServerRecord].self),
        "/api/servers/{server_name}": shape(ServerDetailRecord.self),
        "/api/servers/{server_name}/metrics/history": shape(HistoryRecord.self),
        "/api/servers/{server_name}/anomalies": shape([AnomalyRecord].self),
        "/api/servers/{server_name}/events": shape([ChangeEventRecord].self),
        "/api/servers/metrics/latest": shape([LatestMetricsRecord].self),
        "/api/system/overview": shape(Overview.self),
        "/api/servers/{server_name}/status": shape(ServerStatusRecord.self),
        "/api/servers/{server_name}/metrics/historical/{hours}": shape([HistoricalPoint].self),
        "/api/servers/{server_name}/forecast": shape(ForecastRecord.self),
        "/api/servers/{server_name}/failures": shape([OutcomeRecord].self),
        "/api/servers/{server_name}/filesystems": shape(FilesystemsRecord.self),
        "/api/users/top": shape([TopUserRecord].self),
        "/api/alerts": shape([AlertRecord].self),
        "/api/silences": shape([SilenceRecord].self),
        "/api/notifications": shape([NotificationRecord].self),
        "/api/collector/runs": shape([CollectionRunRecord].self),
        "/api/collector/runs/{run_id}": shape(CollectionRunRecord.self),
    ]

    /// Documented JSON routes checked against the schema (a) but without a shared type yet (b, c), and why.
    static let withoutSharedType: [String: String] = [:]

    /// Documented JSON routes not exercised here, and why.
    static let notExercised: [String: String] = [
        "/api/openapi.json": "the document itself (a free-form object); OpenAPIDocumentTests checks it is served byte for byte"
    ]

    /// Error answers, checked against their documented schema and ``ErrorDocument``.
    static let errorExamples: [(operation: String, uri: String, status: Int)] = [
        ("GET /api/servers/{server_name}", "/api/servers/nope", 404),
        ("GET /api/alerts", "/api/alerts?state=maybe", 400),
        ("GET /api/servers/{server_name}/anomalies", "/api/servers/web-01/anomalies?from=yesterday", 400),
        ("GET /api/servers/{server_name}/events", "/api/servers/web-01/events?limit=0", 400),
        ("GET /api/collector/runs/{run_id}", "/api/collector/runs/0", 400),
    ]

    /// Query strings sent besides the bare route, to reach resolved alerts, ended silences and disabled servers.
    static let queries: [String: [String]] = [
        "/api/alerts": ["", "?state=all"],
        "/api/silences": ["", "?include=ended"],
        "/api/servers": ["", "?include_disabled=true"],
    ]

    /// Nullable properties that cannot be served as `null` (or not with a value) by any
    /// data, and why; each is a schema that promises more than the api does.
    static let neverBoth: [String: String] = [
        "#/components/schemas/TopUser/properties/timestamp": "users come from a sample, which always has a time",
        "#/components/schemas/Overview/properties/stale_since": "a value only while the database is down: StaleAnswerTests checks it against the schema",
        "#/components/schemas/ServerDetail/properties/stale_since": "a value only while the database is down: StaleAnswerTests checks it against the schema",
    ]

    /// A server whose sample read almost nothing: figures and file system type `null`, a size of 0.
    static let sparse = "sparse-05"
    /// A server whose root filesystem fills over three hours: a forecast with a date.
    static let filling = "filling-06"
    /// A server whose sample lists no filesystem at all: no headline mount.
    static let diskless = "diskless-07"

    /// ``SeededFleet``, ``SeededAlerting`` and ``SeededAnomalies``, plus what it takes for every
    /// optional field to be served both ways: a sparse sample, a filling disk, a resolved alert,
    /// a tag silence and a run still running. Returns the ids of a finished and a running run.
    static func seed(_ api: APIHarness, now: Date) async throws -> [Int64] {
        let database = api.test.database
        try await SeededFleet.seed(api.test, now: now)
        try await SeededAlerting.seed(database, now: now)
        try await SeededAnomalies.seed(database)
        let finished = try #require(try await database.runs.recent(limit: 1).first?.id)
        var inventory = SeededFleet.names.map { ServerConfig(name: $0, host: "127.0.0.1", username: "probe", password: Secret("never-returned-secret")) }
        inventory.append(ServerConfig(name: sparse, host: "127.0.0.2", port: 2222, username: "probe", tags: ["db", "eu"]))
        inventory.append(ServerConfig(name: filling, host: "127.0.0.3", username: "probe", tags: ["db"]))
        inventory.append(ServerConfig(name: diskless, host: "127.0.0.4", username: "probe"))
        let ids = try await database.servers.sync(inventory: inventory)
        let evaluator = AlertEvaluator(thresholds: .defaults)
        // A size of 0, and a filesystem whose only point the forecaster drops (a negative figure).
        let bare = FilesystemUsage(mountPoint: "/", device: "overlay", fsType: nil, sizeBytes: 0, usedBytes: 0, availableBytes: 0)
        let broken = FilesystemUsage(mountPoint: "/broken", device: "fuse", fsType: "fuse", sizeBytes: -1, usedBytes: -1, availableBytes: 0)
        try await database.samples.store(MetricSample(collectedAt: now.addingTimeInterval(-30), filesystems: [bare, broken]), serverID: ids[sparse]!)
        try await database.samples.store(MetricSample(collectedAt: now.addingTimeInterval(-40), cpuPercent: 1.5), serverID: ids[diskless]!)
        for step in 0..<4 {
            var sample = makeSample(at: now.addingTimeInterval(-Double(3 - step) * 3600 - 45))
            let used = (20 + Int64(step) * 10) * 1_000_000_000
            sample.filesystems = [
                FilesystemUsage(
                    mountPoint: "/", device: "/dev/vda1", fsType: "ext4", sizeBytes: 100_000_000_000, usedBytes: used, availableBytes: 100_000_000_000 - used)
            ]
            try await database.samples.store(sample, serverID: ids[filling]!)
        }
        // The warning server's RAM back to normal resolves its alert.
        let calm = makeSample(at: now.addingTimeInterval(-20), cpu: 20, rootUsed: 50)
        try await database.samples.store(calm, serverID: ids[SeededFleet.warning]!)
        try await database.alerts.apply(
            evaluator.decisions(for: calm, serverName: SeededFleet.warning), serverID: ids[SeededFleet.warning]!, at: calm.collectedAt)
        try await database.silences.add(
            scope: .tag("db"), alertType: .disk, reason: "disk swap", startsAt: now.addingTimeInterval(-60), endsAt: now.addingTimeInterval(600))
        // Processes, containers, failed units, inodes and change events, each with values, `null` and empty (DeeperFleet).
        try await DeeperFleet.seed(database, now: now, fleet: false, alongside: inventory)
        let running = try await database.runs.start(at: now.addingTimeInterval(-5), serversTotal: 8)
        return [finished, running]
    }

    /// The URIs of a documented path: each `{parameter}` replaced by each of its values,
    /// each with each of ``queries``; `nil` for a parameter without values.
    static func uris(_ path: String, runIDs: [Int64]) -> [String]? {
        let servers = [
            SeededFleet.healthy, SeededFleet.critical, SeededFleet.failing, SeededFleet.neverCollected, sparse, filling, diskless, DeeperFleet.deep,
            DeeperFleet.bare,
        ]
        let values: [String: [String]] = [
            "server_name": servers.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! },
            "hours": ["24"],
            "run_id": runIDs.map(String.init),
        ]
        var uris = [""]
        for segment in path.split(separator: "/") {
            if segment.hasPrefix("{"), segment.hasSuffix("}") {
                guard let choices = values[String(segment.dropFirst().dropLast())] else { return nil }
                uris = uris.flatMap { uri in choices.map { uri + "/" + $0 } }
            } else {
                uris = uris.map { $0 + "/" + segment }
            }
        }
        return uris.flatMap { uri in (queries[path] ?? [""]).map { uri + $0 } }
    }

    @Test func servedJSONSharedTypesAndOpenAPIAgreeFieldByField() async throws {
        let document = try OpenAPIDocumentTests.document()
        let checker = DriftChecker(validator: JSONSchemaValidator(document: document))
        let api = try await APIHarness.make()
        let runIDs = try await Self.seed(api, now: Date())

        var requests: [(route: String, uri: String, status: Int, pointer: String, shape: Shape?)] = []
        for (path, item) in (document["paths"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard item["get"] != nil else { continue }
            let operation = "GET \(path)"
            guard let response = OpenAPIDocumentTests.responsePointer(document, operation: operation, status: 200),
                checker.validator.resolve(response)?["content"]?["application/json"] != nil
            else { continue }
            if Self.notExercised[path] != nil { continue }
            let shape = Self.shapes[path]
            if shape == nil, Self.withoutSharedType[path] == nil {
                checker.problems.append("\(operation): no shared type decodes its answer (add it to WireDriftTests.shapes)")
            }
            guard let uris = Self.uris(path, runIDs: runIDs) else {
                checker.problems.append("\(operation): a path parameter has no test values (add them to WireDriftTests.uris)")
                continue
            }
            for uri in uris {
                requests.append((operation, uri, 200, "\(response)/content/application~1json/schema", shape))
            }
        }
        #expect(requests.count > 20)
        for (operation, uri, status) in Self.errorExamples {
            let response = try #require(OpenAPIDocumentTests.responsePointer(document, operation: operation, status: status))
            requests.append((operation, uri, status, "\(response)/content/application~1json/schema", Self.shape(ErrorDocument.self)))
        }

        let answers = Collected<(Int, Int, Data)>()
        let uris = requests.map(\.uri)
        try await api.withClient { client in
            for (index, uri) in uris.enumerated() {
                let (status, _, body) = try await client.get(uri)
                answers.append((index, Int(status.code), body))
            }
        }
        for (index, status, body) in answers.values {
            let request = requests[index]
            let route = "\(request.route) (\(request.uri))"
            guard status == request.status else {
                checker.problems.append("\(route): answered \(status), expected \(request.status): \(String(decoding: body.prefix(200), as: UTF8.self))")
                continue
            }
            let served = try JSONValue.parse(body)
            let schema = try #require(checker.validator.resolve(request.pointer), "\(route): no schema at \(request.pointer)")
            // (a) served JSON against openapi.json.
            checker.numericLeaves = []
            checker.walk(served, schema, pointer: request.pointer, path: "$", route: route, pass: .served)
            guard let shape = request.shape else { continue }
            checker.problems += DriftChecker.numberProblems(served, leaves: checker.numericLeaves, shape: shape, route: route)
            // (b) served JSON against the shared type.
            let again: JSONValue
            do {
                again = try JSONValue.parse(try shape.roundTrip(body))
            } catch {
                checker.problems.append("\(route): \(shape.name) cannot decode the answer: \(error)")
                continue
            }
            checker.problems += DriftChecker.difference(served, again, path: "$").map { "\(route): \(shape.name) round trip: \($0)" }
            // (c) the shared type's keys against openapi.json.
            checker.walk(again, schema, pointer: request.pointer, path: "$", route: route, pass: .encoded(shape.name))
        }
        // Every object schema of the document was met, so none escapes the field-by-field check.
        for (name, schema) in document["components"]?["schemas"]?.objectValue ?? [:] where schema["properties"] != nil || schema["allOf"] != nil {
            if !checker.walkedObjects.contains("#/components/schemas/\(name)") {
                checker.problems.append("#/components/schemas/\(name): no answer was checked against it")
            }
        }
        checker.problems += checker.coverageProblems(neverBoth: Self.neverBoth)
        checker.problems += checker.encodedKeyProblems()
        // One line per drift, not per array element or request of the route.
        var reported: Set<String> = []
        let drifts = checker.problems.filter { reported.insert($0.replacing(#/ \([^)]*\)|\[[0-9]+\]/#, with: "")).inserted }
        #expect(drifts.isEmpty, "\(drifts.count) drifts:\n\(drifts.joined(separator: "\n"))")
    }

    @Test func aFieldTheSchemaLacksIsReported() throws {
        let document = try OpenAPIDocumentTests.document()
        let checker = DriftChecker(validator: JSONSchemaValidator(document: document))
        let pointer = "#/components/schemas/Health"
        let served = JSONValue.object([
            "status": .string("healthy"), "timestamp": .string("2026-01-01T00:00:00.000Z"), "database": .string("reachable"), "cache": .number(1),
            "extra": .null,
        ])
        checker.walk(served, try #require(checker.validator.resolve(pointer)), pointer: pointer, path: "$", route: "GET /api/health", pass: .served)
        #expect(checker.problems.contains { $0.contains("$.extra") && $0.contains("not in the schema") })
        #expect(checker.problems.contains { $0.contains("$.cache") && $0.contains("expected string") })
        let missing = DriftChecker.difference(.object(["a": .number(1), "b": .null]), .object(["a": .number(1.5), "c": .null]), path: "$")
        #expect(missing.count == 3, "\(missing)")
    }
}

/// Walks served and re-encoded JSON against the OpenAPI schemas and collects drifts,
/// each naming the route, the JSON path and the difference.
final class DriftChecker {
    /// What one walk reads: a served answer, or a shared type's re-encoding of it.
    enum Pass: Equatable {
        case served
        case encoded(String)
    }

    /// What the served answers showed of one schema property.
    struct Seen {
        var value = false
        var null = false
        var absent = false
        var nullable = false
        var required = false
        var example = ""
    }

    /// A schema with `$ref` followed and `allOf` merged.
    struct Resolved {
        var pointer: String
        var type: String?
        var nullable = false
        var properties: [String: (schema: JSONValue, pointer: String)] = [:]
        var required: Set<String> = []
        var closed = false
        var items: (schema: JSONValue, pointer: String)?
    }

    let validator: JSONSchemaValidator
    var problems: [String] = []
    /// By property pointer.
    private(set) var seen: [String: Seen] = [:]
    /// By object schema pointer: its properties, and the keys each shared type encoded there.
    private var schemaKeys: [String: Set<String>] = [:]
    private var encodedKeys: [String: [String: Set<String>]] = [:]

    init(validator: JSONSchemaValidator) {
        self.validator = validator
    }

    func resolve(_ schema: JSONValue, pointer: String) -> Resolved {
        if let reference = schema["$ref"]?.stringValue, let target = validator.resolve(reference) {
            var resolved = resolve(target, pointer: reference)
            resolved.nullable = resolved.nullable || schema["nullable"]?.boolValue == true
            return resolved
        }
        if let parts = schema["allOf"]?.arrayValue, parts.count == 1, schema["properties"] == nil {
            // `allOf: [$ref]` with `nullable`: the referenced schema, nullable.
            var resolved = resolve(parts[0], pointer: "\(pointer)/allOf/0")
            resolved.nullable = resolved.nullable || schema["nullable"]?.boolValue == true
            return resolved
        }
        var resolved = Resolved(pointer: pointer)
        for (index, part) in (schema["allOf"]?.arrayValue ?? []).enumerated() {
            let merged = resolve(part, pointer: "\(pointer)/allOf/\(index)")
            resolved.type = resolved.type ?? merged.type
            resolved.properties.merge(merged.properties) { first, _ in first }
            resolved.required.formUnion(merged.required)
            resolved.closed = resolved.closed || merged.closed
            resolved.items = resolved.items ?? merged.items
        }
        resolved.type = schema["type"]?.stringValue ?? resolved.type
        resolved.nullable = resolved.nullable || schema["nullable"]?.boolValue == true
        for (name, property) in schema["properties"]?.objectValue ?? [:] {
            resolved.properties[name] = (property, "\(pointer)/properties/\(name)")
        }
        resolved.required.formUnion(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        resolved.closed = resolved.closed || schema["additionalProperties"] == .bool(false)
        if let items = schema["items"] { resolved.items = (items, "\(pointer)/items") }
        return resolved
    }

    /// Checks `value` against `schema` recursively; the served pass records what each
    /// property showed, the encoded pass which keys each shared type wrote.
    func walk(_ value: JSONValue, _ schema: JSONValue, pointer: String, path: String, steps: [Step] = [], route: String, pass: Pass) {
        let resolved = resolve(schema, pointer: pointer)
        let who = pass == .served ? "served" : "encoded"
        if value == .null {
            if !resolved.nullable { problems.append("\(route): \(path): \(who) null, but the schema at \(resolved.pointer) is not nullable") }
            return
        }
        if let type = resolved.type {
            let actual = value.typeName
            guard actual == type || (type == "number" && actual == "integer") else {
                problems.append("\(route): \(path): \(who) \(actual) \(value), but the schema at \(resolved.pointer) expected \(type)")
                return
            }
        }
        if pass == .served, case .number = value, let type = resolved.type {
            numericLeaves.append((steps, path, type))
        }
        switch value {
        case .object(let members):
            guard !resolved.properties.isEmpty else {
                problems.append("\(route): \(path): the schema at \(resolved.pointer) lists no properties")
                return
            }
            if !resolved.closed { problems.append("\(route): \(path): the schema at \(resolved.pointer) allows additional properties") }
            schemaKeys[resolved.pointer] = Set(resolved.properties.keys)
            if case .encoded(let type) = pass { encodedKeys[resolved.pointer, default: [:]][type, default: []].formUnion(members.keys) }
            for name in resolved.required.subtracting(resolved.properties.keys).sorted() {
                problems.append("\(route): \(path): the schema at \(resolved.pointer) requires '\(name)', which it does not describe")
            }
            for name in members.keys.sorted() where resolved.properties[name] == nil {
                problems.append("\(route): \(path).\(name): \(who) but not in the schema at \(resolved.pointer)")
            }
            for (name, property) in resolved.properties.sorted(by: { $0.key < $1.key }) {
                let member = members[name]
                if pass == .served {
                    var record = seen[property.pointer] ?? Seen()
                    record.required = resolved.required.contains(name)
                    record.nullable = resolve(property.schema, pointer: property.pointer).nullable
                    switch member {
                    case nil: record.absent = true
                    case .null?: record.null = true
                    default: record.value = true
                    }
                    if record.example.isEmpty { record.example = route }
                    seen[property.pointer] = record
                }
                guard let member else {
                    if resolved.required.contains(name) {
                        problems.append("\(route): \(path).\(name): required by the schema at \(resolved.pointer), not \(who)")
                    }
                    continue
                }
                walk(member, property.schema, pointer: property.pointer, path: "\(path).\(name)", steps: steps + [.key(name)], route: route, pass: pass)
            }
        case .array(let elements):
            guard let items = resolved.items else { return }
            for (index, element) in elements.enumerated() {
                walk(element, items.schema, pointer: items.pointer, path: "\(path)[\(index)]", steps: steps + [.index(index)], route: route, pass: pass)
            }
        default:
            break
        }
    }

    /// One step of a path into a JSON document.
    enum Step {
        case key(String)
        case index(Int)
    }

    /// The numbers of the latest served walk: where, and whether the schema says `integer` or `number`.
    var numericLeaves: [(steps: [Step], path: String, type: String)] = []

    /// Whole numbers against fractions, which the served values alone cannot tell apart: a
    /// fraction where the schema says `number` must decode into the shared type, and one
    /// where it says `integer` must not.
    static func numberProblems(_ served: JSONValue, leaves: [(steps: [Step], path: String, type: String)], shape: WireDriftTests.Shape, route: String)
        -> [String]
    {
        var problems: [String] = []
        var fractional = served
        for leaf in leaves where leaf.type == "number" { fractional = fractional.nudged(at: leaf.steps[...]) }
        do {
            try shape.decode(try JSONEncoder().encode(fractional))
        } catch {
            problems.append("\(route): the schema says number, but \(shape.name) holds a whole number: \(error)")
        }
        for leaf in leaves where leaf.type == "integer" {
            if (try? shape.decode(try JSONEncoder().encode(served.nudged(at: leaf.steps[...])))) != nil {
                problems.append("\(route): \(leaf.path): the schema says integer, but \(shape.name) accepts a fraction there")
            }
        }
        return problems
    }

    /// The object schemas met, by pointer.
    var walkedObjects: Set<String> { Set(schemaKeys.keys) }

    /// Every property of every object schema met was served with a value; a nullable one
    /// also as `null`, an optional one also absent — else the data does not prove its shape.
    func coverageProblems(neverBoth: [String: String]) -> [String] {
        var problems: [String] = []
        for (object, names) in schemaKeys.sorted(by: { $0.key < $1.key }) {
            for name in names.sorted() {
                let pointer = "\(object)/properties/\(name)"
                guard let record = seen[pointer] else { continue }
                if neverBoth[pointer] != nil { continue }
                if !record.value { problems.append("\(record.example): \(pointer): never served with a value, so its type is unchecked") }
                if record.nullable, !record.null { problems.append("\(record.example): \(pointer): nullable, but never served as null") }
                if !record.required, !record.absent { problems.append("\(record.example): \(pointer): optional, but always served (make it required)") }
            }
        }
        return problems
    }

    /// (c) Each shared type encodes exactly the properties of the schema it answers with.
    func encodedKeyProblems() -> [String] {
        var problems: [String] = []
        for (object, byType) in encodedKeys.sorted(by: { $0.key < $1.key }) {
            let properties = schemaKeys[object] ?? []
            for (type, keys) in byType.sorted(by: { $0.key < $1.key }) {
                for name in properties.subtracting(keys).sorted() {
                    problems.append("\(type): \(object): the schema has '\(name)', the shared type never encodes it")
                }
                for name in keys.subtracting(properties).sorted() {
                    problems.append("\(type): \(object): the shared type encodes '\(name)', the schema lacks it")
                }
            }
        }
        return problems
    }

    /// Where `again` differs from `served`, path by path.
    static func difference(_ served: JSONValue, _ again: JSONValue, path: String) -> [String] {
        switch (served, again) {
        case (.object(let left), .object(let right)):
            var out: [String] = []
            for key in Set(left.keys).union(right.keys).sorted() {
                switch (left[key], right[key]) {
                case (let value?, nil): out.append("\(path).\(key): served \(value), the shared type drops it")
                case (nil, let value?): out.append("\(path).\(key): not served, the shared type adds \(value)")
                case (let one?, let two?): out += difference(one, two, path: "\(path).\(key)")
                default: break
                }
            }
            return out
        case (.array(let left), .array(let right)):
            guard left.count == right.count else { return ["\(path): served \(left.count) elements, the shared type \(right.count)"] }
            return zip(left, right).enumerated().flatMap { index, pair in difference(pair.0, pair.1, path: "\(path)[\(index)]") }
        default:
            return served == again ? [] : ["\(path): served \(served), the shared type gives \(again)"]
        }
    }
}

extension JSONValue: Encodable {
    /// Writes the value back as JSON.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let elements): try container.encode(elements)
        case .object(let members): try container.encode(members)
        }
    }

    /// The document with the number at `steps` made fractional (+ 0.25).
    func nudged(at steps: ArraySlice<DriftChecker.Step>) -> JSONValue {
        guard let step = steps.first else {
            if case .number(let number) = self { return .number(number + 0.25) }
            return self
        }
        switch (self, step) {
        case (.object(var members), .key(let key)):
            members[key] = members[key]?.nudged(at: steps.dropFirst())
            return .object(members)
        case (.array(var elements), .index(let index)) where elements.indices.contains(index):
            elements[index] = elements[index].nudged(at: steps.dropFirst())
            return .array(elements)
        default:
            return self
        }
    }
}

import DashboardCore
import Foundation

/// Validates JSON values against the subset of OpenAPI 3.0 schemas that openapi.json uses:
/// `$ref` (local), `allOf`, `type` with `nullable`, `properties`, `required`,
/// `additionalProperties: false`, `items`, `enum`, `minimum`/`maximum`,
/// `minLength`/`maxLength` and `format: date-time`.
///
/// A keyword outside this subset is reported as a problem, so the document cannot rely on
/// a rule this validator silently ignores. It also records which object schemas were
/// checked against a real object, so a test can prove that every field list was exercised.
final class JSONSchemaValidator {
    /// The whole OpenAPI document, for `$ref`.
    let document: JSONValue
    /// Pointers (`#/components/schemas/Server/properties/last_error`) of the object schemas
    /// with `properties` that were matched against an object.
    private(set) var visitedObjectSchemas: Set<String> = []

    /// Keywords that only annotate.
    static let annotations: Set = ["description", "default", "example", "title"]
    /// Keywords checked.
    static let assertions: Set = [
        "$ref", "allOf", "type", "nullable", "properties", "required", "additionalProperties",
        "items", "enum", "minimum", "maximum", "minLength", "maxLength", "format",
    ]
    /// Formats checked; the others (`int64`, `double`, `binary`) only annotate.
    static let annotationFormats: Set = ["int64", "double", "binary"]

    init(document: JSONValue) {
        self.document = document
    }

    /// The problems of `value` against the schema at `pointer` (`#/components/...`); empty when valid.
    func validate(_ value: JSONValue, schemaAt pointer: String) -> [String] {
        guard let schema = resolve(pointer) else { return ["no schema at \(pointer)"] }
        var problems: [String] = []
        check(value, schema, pointer: pointer, at: "$", into: &problems)
        return problems
    }

    /// The problems of `value` against an inline `schema` found at `pointer`.
    func validate(_ value: JSONValue, schema: JSONValue, pointer: String) -> [String] {
        var problems: [String] = []
        check(value, schema, pointer: pointer, at: "$", into: &problems)
        return problems
    }

    /// The value a local JSON pointer (`#/a/b`) names.
    func resolve(_ pointer: String) -> JSONValue? {
        guard pointer.hasPrefix("#") else { return nil }
        var node = document
        let tokens = pointer.dropFirst(2)
        guard !tokens.isEmpty else { return node }
        for token in tokens.split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, pointer: String, at path: String, into problems: inout [String]) {
        guard let keywords = schema.objectValue else {
            problems.append("\(path): schema at \(pointer) is not an object")
            return
        }
        for key in keywords.keys where !Self.assertions.contains(key) && !Self.annotations.contains(key) {
            problems.append("\(path): schema at \(pointer) uses '\(key)', which the validator does not support")
        }
        if let reference = keywords["$ref"]?.stringValue {
            guard let target = resolve(reference) else {
                problems.append("\(path): unresolvable $ref \(reference)")
                return
            }
            check(value, target, pointer: reference, at: path, into: &problems)
            return
        }
        let nullable = keywords["nullable"]?.boolValue == true
        if value == .null, nullable {
            if let allowed = keywords["enum"]?.arrayValue, !allowed.contains(.null) {
                problems.append("\(path): schema at \(pointer) is nullable but its enum lacks null")
            }
            return
        }
        if let parts = keywords["allOf"]?.arrayValue {
            for (index, part) in parts.enumerated() {
                check(value, part, pointer: "\(pointer)/allOf/\(index)", at: path, into: &problems)
            }
        }
        if let type = keywords["type"]?.stringValue {
            let actual = value.typeName
            let matches = actual == type || (type == "number" && actual == "integer")
            guard matches else {
                problems.append("\(path): expected \(type)\(nullable ? " or null" : ""), got \(actual) \(value)")
                return
            }
        }
        if let allowed = keywords["enum"]?.arrayValue, !allowed.contains(value) {
            problems.append("\(path): \(value) is not one of \(allowed.map(\.description).joined(separator: ", "))")
        }
        switch value {
        case .number(let number):
            if let minimum = keywords["minimum"]?.numberValue, number < minimum {
                problems.append("\(path): \(number) is below the minimum \(minimum)")
            }
            if let maximum = keywords["maximum"]?.numberValue, number > maximum {
                problems.append("\(path): \(number) is above the maximum \(maximum)")
            }
        case .string(let text):
            let length = text.unicodeScalars.count
            if let minimum = keywords["minLength"]?.numberValue, Double(length) < minimum {
                problems.append("\(path): \"\(text.prefix(40))\" is shorter than \(minimum)")
            }
            if let maximum = keywords["maxLength"]?.numberValue, Double(length) > maximum {
                problems.append("\(path): \"\(text.prefix(40))\" is longer than \(maximum)")
            }
            if let format = keywords["format"]?.stringValue {
                if format == "date-time" {
                    if !Self.isDateTime(text) { problems.append("\(path): \"\(text.prefix(40))\" is not an RFC 3339 date-time") }
                } else if !Self.annotationFormats.contains(format) {
                    problems.append("\(path): schema at \(pointer) uses format '\(format)', which the validator does not support")
                }
            }
        case .array(let elements):
            if let items = keywords["items"] {
                for (index, element) in elements.enumerated() {
                    check(element, items, pointer: "\(pointer)/items", at: "\(path)[\(index)]", into: &problems)
                }
            }
        case .object(let members):
            let properties = keywords["properties"]?.objectValue ?? [:]
            if !properties.isEmpty { visitedObjectSchemas.insert(pointer) }
            for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                problems.append("\(path): required property '\(name)' is missing")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    check(member, property, pointer: "\(pointer)/properties/\(name)", at: "\(path).\(name)", into: &problems)
                } else if keywords["additionalProperties"] == .bool(false) {
                    problems.append("\(path): property '\(name)' is not in the schema at \(pointer)")
                }
            }
        case .null, .bool:
            break
        }
    }

    /// RFC 3339 `date-time` (what JSON Schema's `format: date-time` means), and a real instant.
    static func isDateTime(_ text: String) -> Bool {
        let pattern = #/[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})/#
        return text.wholeMatch(of: pattern) != nil && Timestamp.parse(text) != nil
    }

    /// Pointers of every object schema with `properties` reachable from `roots`
    /// (through `$ref`, `allOf`, `items` and `properties`).
    func objectSchemas(reachableFrom roots: [(schema: JSONValue, pointer: String)]) -> Set<String> {
        var found: Set<String> = []
        var seen: Set<String> = []
        var queue = roots
        while let next = queue.popLast() {
            let (schema, pointer) = next
            guard seen.insert(pointer).inserted, let keywords = schema.objectValue else { continue }
            if let reference = keywords["$ref"]?.stringValue, let target = resolve(reference) {
                queue.append((target, reference))
                continue
            }
            if let properties = keywords["properties"]?.objectValue, !properties.isEmpty {
                found.insert(pointer)
                for (name, property) in properties {
                    queue.append((property, "\(pointer)/properties/\(name)"))
                }
            }
            if let items = keywords["items"] {
                queue.append((items, "\(pointer)/items"))
            }
            for (index, part) in (keywords["allOf"]?.arrayValue ?? []).enumerated() {
                queue.append((part, "\(pointer)/allOf/\(index)"))
            }
        }
        return found
    }
}

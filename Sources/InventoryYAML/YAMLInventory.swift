import DashboardCore
import Foundation
import Yams

/// Reads a `SERVERS_FILE` YAML inventory: the settings of `SERVERn_*` as lower-case keys, plus `tags`.
///
/// ```yaml
/// servers:
///   - name: web-01
///     host: 10.0.0.5          # or "local" for this machine
///     ip: 10.0.0.5            # optional
///     port: 22                # optional, 22
///     username: monitor
///     key_file: /etc/server-dashboard/id_ed25519
///     key_passphrase: ...     # optional
///     password: ...           # password and/or key_file
///     tags: [web, eu]         # a list, or a comma-separated string
/// ```
///
/// A top-level list without `servers:` is read the same way, and `<<: *anchor` merges shared
/// settings into an entry. Each entry meets the rules of `SERVERn_*` (`InventoryParser.validate`):
/// a bad entry is reported by name (or `SERVERS_FILE entry N`) with its line, and skipped.
/// Reading text is all this does; the collector reads the file.
public enum YAMLInventory {
    /// How the file is named in problems that concern the whole file.
    static let entryName = "SERVERS_FILE"

    /// Parses `yaml`, naming `source` (the file's path) in problems. Never throws and never
    /// quotes a password or passphrase: a syntax error is one problem naming the line.
    public static func parse(yaml: String, source: String) -> Inventory {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return Inventory(servers: [], problems: [syntaxProblem(error, yaml: yaml, source: source)])
        }
        var problems: [InventoryProblem] = []
        let entries = serverList(root, source: source, problems: &problems)
        var tagThresholds: [String: ThresholdOverrides] = [:]
        var tagMaintenance: [String: [MaintenanceWindow]] = [:]
        if case .mapping(let top) = root {
            for (key, value) in top {
                switch key.scalar?.string {
                case "tag_thresholds": tagThresholds = YAMLAlertRules.byTag(value, key: "tag_thresholds", parse: YAMLAlertRules.thresholds, problems: &problems)
                case "tag_maintenance": tagMaintenance = YAMLAlertRules.byTag(value, key: "tag_maintenance", parse: YAMLAlertRules.windows, problems: &problems)
                default: break
                }
            }
        }
        var servers: [ServerConfig] = []
        var seenNames: Set<String> = []
        for (offset, node) in entries.enumerated() {
            switch entry(node, number: offset + 1, source: source, problems: &problems) {
            case .success(let server):
                if seenNames.insert(server.name).inserted {
                    servers.append(server)
                } else {
                    let location = Self.location(node, source: source)
                    problems.append(
                        InventoryProblem(entry: server.name, message: "\(entryName) entry \(offset + 1) repeats a name already used; skipped\(location)"))
                }
            case .failure(let problem):
                problems.append(problem)
            }
        }
        return Inventory(servers: servers, problems: problems, tagThresholds: tagThresholds, tagMaintenance: tagMaintenance)
    }

    // MARK: - The document

    /// The entries under `servers:`, or the top-level list.
    private static func serverList(_ root: Node?, source: String, problems: inout [InventoryProblem]) -> [Node] {
        let shape = "must be a list of servers, or a mapping with a `servers:` list"
        guard let root, !isNull(root) else { return [] }
        switch root {
        case .sequence(let list):
            return Array(list)
        case .mapping(let mapping):
            guard let servers = mapping.first(where: { $0.key.scalar?.string == "servers" })?.value else {
                problems.append(InventoryProblem(entry: entryName, message: "\(source) has no `servers:` list; it \(shape)"))
                return []
            }
            for key in mapping.keys where !["servers", "tag_thresholds", "tag_maintenance"].contains(key.scalar?.string ?? "") {
                problems.append(InventoryProblem(entry: entryName, message: "unknown setting \(printable(key)) ignored\(location(key, source: source))"))
            }
            switch servers {
            case .sequence(let entries):
                return Array(entries)
            case _ where isNull(servers):
                return []
            default:
                problems.append(InventoryProblem(entry: entryName, message: "`servers:` must be a list\(location(servers, source: source))"))
                return []
            }
        default:
            problems.append(InventoryProblem(entry: entryName, message: "\(source) \(shape)\(location(root, source: source))"))
            return []
        }
    }

    // MARK: - One entry

    /// One list item as a server, with the rules of `InventoryParser.validate`. Unknown keys are
    /// reported and ignored (as `SERVERn_*` does); a value of the wrong shape skips the entry.
    private static func entry(_ node: Node, number: Int, source: String, problems: inout [InventoryProblem]) -> Result<ServerConfig, InventoryProblem> {
        let fallbackName = "\(entryName) entry \(number)"
        let location = location(node, source: source)
        guard case .mapping(let mapping) = node else {
            return .failure(InventoryProblem(entry: fallbackName, message: "must be a mapping of settings (name, host, username, …)\(location)"))
        }
        var values: [InventoryParser.Field: String] = [:]
        var tags: [String] = []
        var typeErrors: [String] = []
        var unknownKeys: [String] = []
        var seen: Set<String> = []
        var thresholds = ThresholdOverrides()
        var maintenance: [MaintenanceWindow] = []
        for (key, value) in settings(of: mapping, typeErrors: &typeErrors) {
            let keyText = key.scalar?.string.lowercased() ?? ""
            if keyText == "thresholds" || keyText == "maintenance" {
                guard seen.insert(keyText).inserted else { continue }
                if keyText == "thresholds" {
                    switch YAMLAlertRules.thresholds(value) {
                    case .success(let parsed): thresholds = parsed
                    case .failure(let reason): typeErrors.append(reason.text)
                    }
                } else {
                    switch YAMLAlertRules.windows(value) {
                    case .success(let parsed): maintenance = parsed
                    case .failure(let reason): typeErrors.append(reason.text)
                    }
                }
                continue
            }
            guard let field = fieldsByKey[keyText] else {
                unknownKeys.append(printable(key))
                continue
            }
            // Explicit settings come first, so one merged in later does not override them.
            guard seen.insert(keyText).inserted else { continue }
            switch field {
            case .tags:
                switch tagTexts(value) {
                case .some(let texts): tags = texts
                case .none: typeErrors.append("tags must be a list of text or a comma-separated string")
                }
            default:
                switch value {
                case .scalar(let scalar):
                    if !isNull(value) { values[field] = scalar.string }
                default:
                    typeErrors.append("\(field.fileKey) must be a single value, not a \(value.mapping != nil ? "mapping" : "list")")
                }
            }
        }
        let name = InventoryParser.acceptableName(values[.name]) ?? fallbackName
        for key in unknownKeys {
            problems.append(InventoryProblem(entry: name, message: "unknown setting \(key) ignored\(location)"))
        }
        guard typeErrors.isEmpty else {
            return .failure(InventoryProblem(entry: name, message: typeErrors.joined(separator: "; ") + location))
        }
        return InventoryParser.validate(values, tags: tags, fallbackName: fallbackName, index: nil, label: \.fileKey)
            .map { server in
                var server = server
                server.thresholds = thresholds
                server.maintenance = maintenance
                return server
            }
            .mapError { InventoryProblem(entry: $0.entry, message: $0.message + location) }
    }

    private static let fieldsByKey = Dictionary(uniqueKeysWithValues: InventoryParser.Field.allCases.map { ($0.fileKey, $0) })

    /// The entry's own key–value pairs, then those of `<<` merges (a mapping or a list of them).
    private static func settings(of mapping: Node.Mapping, typeErrors: inout [String]) -> [(Node, Node)] {
        var own: [(Node, Node)] = []
        var merged: [(Node, Node)] = []
        for (key, value) in mapping {
            guard key.scalar?.string == "<<" else {
                own.append((key, value))
                continue
            }
            let sources: [Node] = if case .sequence(let list) = value { Array(list) } else { [value] }
            for source in sources {
                guard case .mapping(let shared) = source else {
                    typeErrors.append("<< must name a mapping (or a list of them) to merge")
                    continue
                }
                merged += shared.map { ($0.key, $0.value) }
            }
        }
        return own + merged
    }

    /// `tags:` as texts: a list of strings, or one (comma-separated) string; nil for anything else.
    private static func tagTexts(_ node: Node) -> [String]? {
        if isNull(node) { return [] }
        switch node {
        case .scalar(let scalar):
            return isText(node) ? [scalar.string] : nil
        case .sequence(let list):
            var texts: [String] = []
            for item in list {
                guard case .scalar(let scalar) = item, isText(item) else { return nil }
                texts.append(scalar.string)
            }
            return texts
        default:
            return nil
        }
    }

    // MARK: - Messages

    /// ` (servers.yaml line 7)` for the node's first line.
    private static func location(_ node: Node, source: String) -> String {
        node.mark.map { " (\(source) line \($0.line))" } ?? " (\(source))"
    }

    /// A plain `~`, `null` or empty value, or an empty `servers:`.
    private static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, [Tag.Name.implicit.rawValue, Tag.Name.null.rawValue].contains(scalar.tag.rawValue) else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A scalar YAML reads as a string: quoted, or plain and not a number, boolean or null.
    private static func isText(_ node: Node) -> Bool {
        node.tag.rawValue == Tag.Name.str.rawValue
    }

    /// A key for a message: at most 40 characters, control characters replaced, `a non-text key` otherwise.
    private static func printable(_ key: Node) -> String {
        guard let text = key.scalar?.string else { return "(a key that is not text)" }
        let visible = String(String.UnicodeScalarView(text.unicodeScalars.prefix(40).map { $0.properties.generalCategory == .control ? "?" : $0 }))
        return text.unicodeScalars.count > 40 ? "\"\(visible)…\"" : "\"\(visible)\""
    }

    /// One problem for a file that is not valid YAML: the file, the line, libyaml's reason.
    /// Yams' own description is not used, as it quotes the offending line (a secret, maybe).
    static func syntaxProblem(_ error: any Error, yaml: String, source: String) -> InventoryProblem {
        func problem(_ line: Int?, _ reason: String) -> InventoryProblem {
            let place = line.map { "\(source) line \($0)" } ?? source
            return InventoryProblem(entry: entryName, message: "\(place) is not valid YAML (\(reason)); no server was read from it")
        }
        func reason(_ context: YamlError.Context?, _ text: String) -> String {
            context.map { "\($0.text) from line \($0.mark.line), \(text)" } ?? text
        }
        guard let error = error as? YamlError else { return problem(nil, "unreadable") }
        switch error {
        case .scanner(let context, let text, let mark, _), .parser(let context, let text, let mark, _), .composer(let context, let text, let mark, _):
            return problem(mark.line, reason(context, text))
        case .reader(let text, let offset, _, _):
            let line = offset.map { yaml.prefix($0).reduce(1) { $1 == "\n" ? $0 + 1 : $0 } }
            return problem(line, text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let known = duplicates.allSatisfy { fieldsByKey[$0.lowercased()] != nil || $0 == "servers" }
            let keys = known ? " (\(duplicates.joined(separator: ", ")))" : ""
            return problem(context.mark.line, "a key appears twice in one mapping\(keys)")
        default:
            return problem(nil, "unreadable")
        }
    }
}

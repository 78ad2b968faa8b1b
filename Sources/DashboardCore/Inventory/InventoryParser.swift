import FoundationEssentials

/// A problem with one inventory entry: that entry is skipped, the others still run.
public struct InventoryProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry's name when it has one, else `SERVERn`.
    public var entry: String
    /// What is wrong, never quoting a secret.
    public var message: String

    /// Creates a problem record.
    public init(entry: String, message: String) {
        self.entry = entry
        self.message = message
    }

    /// `entry: message`, as reported when the entry is skipped.
    public var description: String { "\(entry): \(message)" }
}

/// The servers an inventory names and the entries that were skipped.
public struct Inventory: Sendable, Equatable {
    /// The entries that passed validation, in inventory order, names unique.
    public var servers: [ServerConfig]
    /// One record per skipped entry or ignored setting.
    public var problems: [InventoryProblem]
    /// Thresholds per tag (`tag_thresholds:` in `SERVERS_FILE`).
    public var tagThresholds: [String: ThresholdOverrides]
    /// Maintenance windows per tag (`tag_maintenance:` in `SERVERS_FILE`).
    public var tagMaintenance: [String: [MaintenanceWindow]]

    /// Creates an inventory.
    public init(
        servers: [ServerConfig], problems: [InventoryProblem], tagThresholds: [String: ThresholdOverrides] = [:],
        tagMaintenance: [String: [MaintenanceWindow]] = [:]
    ) {
        self.servers = servers
        self.problems = problems
        self.tagThresholds = tagThresholds
        self.tagMaintenance = tagMaintenance
    }

    /// The alert rules of this inventory over the global thresholds.
    public func rules(global: Thresholds) -> AlertRules {
        AlertRules(global: global, tagThresholds: tagThresholds, tagMaintenance: tagMaintenance)
    }

    /// Combines inventories read from several sources (`SERVERn_*` first, then `SERVERS_FILE`).
    ///
    /// Servers keep their order, the first source's first. A name already used by an
    /// earlier server is reported against that name and the later entry skipped;
    /// every source's own problems are kept, in source order.
    public static func merge(_ inventories: [Inventory]) -> Inventory {
        var merged = Inventory(servers: [], problems: inventories.flatMap(\.problems))
        for inventory in inventories {
            merged.tagThresholds.merge(inventory.tagThresholds) { first, _ in first }
            merged.tagMaintenance.merge(inventory.tagMaintenance) { first, _ in first }
        }
        var seenNames: Set<String> = []
        for server in inventories.flatMap(\.servers) {
            guard seenNames.insert(server.name).inserted else {
                let entry = server.index.map { "SERVER\($0)" } ?? "a SERVERS_FILE entry"
                merged.problems.append(InventoryProblem(entry: server.name, message: "\(entry) repeats a name already used; skipped"))
                continue
            }
            merged.servers.append(server)
        }
        return merged
    }
}

/// Reads `SERVERn_*` variables (any n, gaps allowed) into an `Inventory`.
///
/// The rules an entry must meet live here too (`validate`), shared with `YAMLInventory`.
public enum InventoryParser {
    /// The longest server name accepted.
    public static let maximumNameLength = 128

    /// A setting of one inventory entry, as every inventory source knows it.
    package enum Field: CaseIterable, Sendable {
        case name, host, ip, port, username, password, keyFile, keyPassphrase, tags

        /// The suffix of `SERVERn_…`: `KEY_FILE`.
        package var environmentName: String {
            switch self {
            case .name: "NAME"
            case .host: "HOST"
            case .ip: "IP"
            case .port: "PORT"
            case .username: "USERNAME"
            case .password: "PASSWORD"
            case .keyFile: "KEY_FILE"
            case .keyPassphrase: "KEY_PASSPHRASE"
            case .tags: "TAGS"
            }
        }

        /// The key in a `SERVERS_FILE` entry: `key_file`.
        package var fileKey: String { environmentName.lowercased() }
    }

    private static let fieldsByEnvironmentName = Dictionary(uniqueKeysWithValues: Field.allCases.map { ($0.environmentName, $0) })

    /// Parses every `SERVERn_FIELD` key of `environment`, in order of n.
    public static func parse(environment: [String: String]) -> Inventory {
        var entries: [String: [Field: String]] = [:]
        var thresholdKeys: [String: [String: String]] = [:]
        var problems: [InventoryProblem] = []
        // In key order, so problems come out the same whatever order the environment is in.
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard let (number, name) = splitKey(key) else { continue }
            if name.hasPrefix("THRESHOLD_") {
                thresholdKeys[number, default: [:]][key] = value
                continue
            }
            guard let field = fieldsByEnvironmentName[name] else {
                problems.append(InventoryProblem(entry: "SERVER\(number)", message: "unknown setting SERVER\(number)_\(name) ignored"))
                continue
            }
            entries[number, default: [:]][field] = value
        }
        var servers: [ServerConfig] = []
        var seenNames: Set<String> = []
        // Numeric order without a size limit: shorter digit strings first, then by digits.
        let numbers = entries.keys.sorted { ($0.count, $0) < ($1.count, $1) }
        for number in numbers {
            let values = entries[number]!
            let result = validate(
                values, tags: [values[.tags] ?? ""], fallbackName: "SERVER\(number)", index: Int(number),
                label: { "SERVER\(number)_\($0.environmentName)" }
            )
            switch result {
            case .success(var server):
                server.thresholds = thresholds(thresholdKeys[number] ?? [:], number: number, entry: server.name, problems: &problems)
                if seenNames.contains(server.name) {
                    problems.append(InventoryProblem(entry: server.name, message: "SERVER\(number) repeats a name already used; skipped"))
                } else {
                    seenNames.insert(server.name)
                    servers.append(server)
                }
            case .failure(let problem):
                problems.append(problem)
            }
        }
        // By entry; one entry's problems keep the order they were found in.
        let sorted = problems.enumerated().sorted { ($0.element.entry, $0.offset) < ($1.element.entry, $1.offset) }
        return Inventory(servers: servers, problems: sorted.map(\.element))
    }

    /// The `SERVERn_THRESHOLD_*` levels of one entry; an unknown key or a bad value is
    /// reported and ignored, the rest kept.
    private static func thresholds(_ keys: [String: String], number: String, entry: String, problems: inout [InventoryProblem]) -> ThresholdOverrides {
        let prefix = "SERVER\(number)_"
        var known: [String: String] = [:]
        for (key, value) in keys.sorted(by: { $0.key < $1.key }) {
            let rest = key.dropFirst(prefix.count + "THRESHOLD_".count).split(separator: "_").map(String.init)
            if rest.count == 2, ThresholdOverrides.metrics.contains(rest[0].lowercased()), ThresholdOverrides.levelNames.contains(rest[1].lowercased()),
                rest[0] == rest[0].uppercased(), rest[1] == rest[1].uppercased()
            {
                known[key] = value
            } else {
                let shape = "\(prefix)THRESHOLD_<CPU|RAM|DISK|TEMPERATURE|INODES>_<WARNING|CRITICAL>"
                problems.append(InventoryProblem(entry: entry, message: "unknown setting \(key) ignored (use \(shape))"))
            }
        }
        var valid: [String: String] = [:]
        for (key, value) in known {
            do {
                _ = try ThresholdOverrides(environment: [key: value], prefix: prefix)
                valid[key] = value
            } catch {
                problems.append(InventoryProblem(entry: entry, message: "\(error.description); this threshold is ignored"))
            }
        }
        return (try? ThresholdOverrides(environment: valid, prefix: prefix)) ?? ThresholdOverrides()
    }

    /// `SERVER12_KEY_FILE` → ("12", "KEY_FILE"). The number is kept as written, so
    /// `SERVER01_*` and `SERVER1_*` are two entries, and any length is accepted.
    static func splitKey(_ key: String) -> (String, String)? {
        guard key.hasPrefix("SERVER") else { return nil }
        let rest = key.dropFirst("SERVER".count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let afterDigits = rest.dropFirst(digits.count)
        guard afterDigits.first == "_" else { return nil }
        return (String(digits), String(afterDigits.dropFirst()))
    }

    /// `raw` trimmed, when it is a usable server name: not blank, at most
    /// `maximumNameLength` characters, no control characters.
    package static func acceptableName(_ raw: String?) -> String? {
        guard let name = raw?.trimmingWhitespace(), !name.isEmpty, name.count <= maximumNameLength,
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return name
    }

    /// The rules every inventory entry meets, whatever its source: checks one entry and
    /// builds its `ServerConfig`, or says what is wrong without quoting a secret.
    ///
    /// - Parameters:
    ///   - values: the entry's settings as written; blank ones count as absent. Secrets are
    ///     kept untrimmed, everything else is trimmed. `.tags` is ignored: pass `tags`.
    ///   - tags: tag texts, each split on commas, trimmed, blanks dropped.
    ///   - fallbackName: names the entry in a problem until it has a valid name (`SERVER3`).
    ///   - index: the `n` of `SERVERn_*`, nil for other sources.
    ///   - label: a field as the source spells it in a message (`SERVER3_PORT`, `port`).
    package static func validate(
        _ values: [Field: String], tags: [String], fallbackName: String, index: Int?, label: (Field) -> String
    ) -> Result<ServerConfig, InventoryProblem> {
        func value(_ field: Field) -> String? {
            guard let raw = values[field]?.trimmingWhitespace(), !raw.isEmpty else { return nil }
            return raw
        }
        func secret(_ field: Field) -> Secret? {
            values[field].flatMap { $0.isEmpty ? nil : Secret($0) }
        }
        guard value(.name) != nil else {
            return .failure(InventoryProblem(entry: fallbackName, message: "\(label(.name)) is missing"))
        }
        guard let name = acceptableName(values[.name]) else {
            return .failure(
                InventoryProblem(entry: fallbackName, message: "\(label(.name)) must be at most \(maximumNameLength) characters without control characters"))
        }
        guard let host = value(.host) else {
            return .failure(InventoryProblem(entry: name, message: "\(label(.host)) is missing (use \"local\" for this machine)"))
        }
        var port = 22
        if let rawPort = value(.port) {
            guard let parsed = Int(rawPort), (1...65535).contains(parsed) else {
                return .failure(InventoryProblem(entry: name, message: "\(label(.port)) must be a port number from 1 to 65535, got \"\(rawPort.prefix(20))\""))
            }
            port = parsed
        }
        let tags = tags.flatMap { $0.split(separator: ",") }.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        var server = ServerConfig(
            name: name, host: host, ip: value(.ip), port: port, username: value(.username),
            password: secret(.password), keyFile: value(.keyFile), keyPassphrase: secret(.keyPassphrase),
            tags: tags, index: index
        )
        if server.transport == .local {
            server.port = 0
            return .success(server)
        }
        guard server.username != nil else {
            return .failure(InventoryProblem(entry: name, message: "\(label(.username)) is missing"))
        }
        guard server.password != nil || server.keyFile != nil else {
            return .failure(InventoryProblem(entry: name, message: "set \(label(.password)) or \(label(.keyFile))"))
        }
        return .success(server)
    }
}

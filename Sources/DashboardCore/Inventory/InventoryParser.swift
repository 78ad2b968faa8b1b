import Foundation

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

    public var description: String { "\(entry): \(message)" }
}

/// The servers an inventory names and the entries that were skipped.
public struct Inventory: Sendable, Equatable {
    public var servers: [ServerConfig]
    public var problems: [InventoryProblem]

    /// Creates an inventory.
    public init(servers: [ServerConfig], problems: [InventoryProblem]) {
        self.servers = servers
        self.problems = problems
    }
}

/// Reads `SERVERn_*` variables (any n, gaps allowed) into an `Inventory`.
public enum InventoryParser {
    /// The longest server name accepted.
    public static let maximumNameLength = 128

    private static let fields: Set<String> = [
        "NAME", "HOST", "IP", "PORT", "USERNAME", "PASSWORD", "KEY_FILE", "KEY_PASSPHRASE", "TAGS",
    ]

    /// Parses every `SERVERn_FIELD` key of `environment`, in order of n.
    public static func parse(environment: [String: String]) -> Inventory {
        var entries: [String: [String: String]] = [:]
        var problems: [InventoryProblem] = []
        for (key, value) in environment {
            guard let (number, field) = splitKey(key) else { continue }
            guard fields.contains(field) else {
                problems.append(InventoryProblem(entry: "SERVER\(number)", message: "unknown setting SERVER\(number)_\(field) ignored"))
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
            switch entry(number: number, values: values) {
            case .success(let server):
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
        return Inventory(servers: servers, problems: problems.sorted { $0.entry < $1.entry })
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

    private static func entry(number: String, values: [String: String]) -> Result<ServerConfig, InventoryProblem> {
        let index = Int(number)
        func value(_ field: String) -> String? {
            guard let raw = values[field]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        let fallbackName = "SERVER\(number)"
        guard let name = value("NAME") else {
            return .failure(InventoryProblem(entry: fallbackName, message: "SERVER\(number)_NAME is missing"))
        }
        guard name.count <= maximumNameLength, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return .failure(InventoryProblem(entry: fallbackName, message: "SERVER\(number)_NAME must be at most \(maximumNameLength) characters without control characters"))
        }
        guard let host = value("HOST") else {
            return .failure(InventoryProblem(entry: name, message: "SERVER\(number)_HOST is missing (use \"local\" for this machine)"))
        }
        var port = 22
        if let rawPort = value("PORT") {
            guard let parsed = Int(rawPort), (1...65535).contains(parsed) else {
                return .failure(InventoryProblem(entry: name, message: "SERVER\(number)_PORT must be a port number from 1 to 65535, got \"\(rawPort.prefix(20))\""))
            }
            port = parsed
        }
        let tags = (value("TAGS") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var server = ServerConfig(
            name: name, host: host, ip: value("IP"), port: port, username: value("USERNAME"),
            password: values["PASSWORD"].flatMap { $0.isEmpty ? nil : Secret($0) },
            keyFile: value("KEY_FILE"),
            keyPassphrase: values["KEY_PASSPHRASE"].flatMap { $0.isEmpty ? nil : Secret($0) },
            tags: tags, index: index
        )
        if server.transport == .local {
            server.port = 0
            return .success(server)
        }
        guard server.username != nil else {
            return .failure(InventoryProblem(entry: name, message: "SERVER\(number)_USERNAME is missing"))
        }
        guard server.password != nil || server.keyFile != nil else {
            return .failure(InventoryProblem(entry: name, message: "set SERVER\(number)_PASSWORD or SERVER\(number)_KEY_FILE"))
        }
        return .success(server)
    }
}

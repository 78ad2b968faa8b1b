import DashboardCore
import Foundation

/// What must hold for every `.env` text and every inventory read from it.
enum InventoryFuzzCheck {
    /// The first thing wrong with what `DotEnv` read, or `nil`.
    static func violation(values: [String: String], problems: [String], text: String) -> String? {
        for key in values.keys where key.isEmpty || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            return "DotEnv kept the variable name \(key.debugDescription)"
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
        if problems.count > lines { return "DotEnv reported \(problems.count) problems for \(lines) lines" }
        return nil
    }

    /// The first broken inventory rule, or `nil`.
    static func violation(in inventory: Inventory, environment: [String: String]) -> String? {
        if Set(inventory.servers.map(\.name)).count != inventory.servers.count { return "two servers share a name" }
        for server in inventory.servers {
            let name = server.name
            if name.isEmpty || name.count > InventoryParser.maximumNameLength || name != name.trimmingCharacters(in: .whitespaces) {
                return "server name \(name.debugDescription) is blank, too long or untrimmed"
            }
            if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "control character in name \(name.debugDescription)"
            }
            if server.host.isEmpty { return "\(name): empty host" }
            switch server.transport {
            case .local:
                if server.port != 0 { return "\(name): local server with port \(server.port)" }
            case .ssh:
                if !(1...65535).contains(server.port) { return "\(name): port \(server.port)" }
                if server.username == nil { return "\(name): no username" }
                if server.password == nil, server.keyFile == nil { return "\(name): neither password nor key file" }
            }
            if server.tags.contains(where: { $0.isEmpty || $0.contains(",") }) { return "\(name): tags \(server.tags)" }
        }
        // Secrets never show: with every secret replaced, every problem and description reads the same.
        let masked = InventoryParser.parse(environment: maskingSecrets(environment))
        let shown = inventory.problems.map(\.description) + inventory.servers.map(\.description)
        if shown != masked.problems.map(\.description) + masked.servers.map(\.description) {
            return "a secret changes what is shown: \(shown.prefix(5))"
        }
        return nil
    }

    /// `environment` with every non-empty `SERVERn_PASSWORD` and `SERVERn_KEY_PASSPHRASE`
    /// replaced by another non-empty value (so every entry stays as valid as it was).
    static func maskingSecrets(_ environment: [String: String]) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: environment.map { key, value in
                (key, isSecretKey(key) && !value.isEmpty ? "masked" : value)
            })
    }

    /// `SERVER<digits>_PASSWORD` or `SERVER<digits>_KEY_PASSPHRASE`.
    static func isSecretKey(_ key: String) -> Bool {
        guard key.hasPrefix("SERVER") else { return false }
        let rest = key.dropFirst(6)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        let suffix = rest.dropFirst(digits.count)
        return !digits.isEmpty && (suffix == "_PASSWORD" || suffix == "_KEY_PASSPHRASE")
    }
}

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
            if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "control character in name \(name.debugDescription)" }
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
        // Secrets never show: not in a problem, not in a server's description.
        let shown = inventory.problems.map(\.description) + inventory.servers.map(\.description)
        for secret in secrets(in: environment) {
            if let line = shown.first(where: { $0.contains(secret) }) {
                return "a secret shows in \(line.debugDescription)"
            }
        }
        return nil
    }

    /// Password and passphrase values long enough to be told apart from the rest of the
    /// environment (one that is part of a name, a key or another value cannot be checked).
    static func secrets(in environment: [String: String]) -> [String] {
        let isSecretKey = { (key: String) in key.hasSuffix("_PASSWORD") || key.hasSuffix("_KEY_PASSPHRASE") }
        let visible = environment.filter { !isSecretKey($0.key) }.flatMap { [$0.key, $0.value] } + environment.keys.filter(isSecretKey)
        return environment.filter { isSecretKey($0.key) }.map(\.value).filter { secret in
            secret.count >= 8 && !visible.contains { $0.contains(secret) }
        }
    }
}

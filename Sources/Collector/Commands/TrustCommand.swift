import ArgumentParser
import DashboardCore
import Foundation
import RemoteExec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `collector trust [NAME… | --all] [--yes]`: shows each server's SSH host key as
/// `ssh-keygen -lf` does and adds it to `KNOWN_HOSTS_FILE` once confirmed; a changed key is
/// never replaced (docs/collector.md, "Trusting host keys").
struct TrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Show servers' SSH host keys and add them to KNOWN_HOSTS_FILE after confirmation.",
        discussion: """
            Connects to each server (TCP and SSH handshake only, no login, CONNECT_TIMEOUT_SECONDS), \
            prints its host key as `ssh-keygen -lf` does (bits, SHA-256 fingerprint, known_hosts host \
            pattern, type) and compares it with KNOWN_HOSTS_FILE: a key already there is left alone; an \
            unknown one is appended after you answer y (or at once with --yes); a DIFFERENT key on \
            record is never replaced: the command says so and shows how to remove the old line if the \
            change is expected. Compare the fingerprint with the one the server's console shows \
            (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`) before trusting it.
            Exit status: 0 every named server's key is trusted (already or now), 1 some are not \
            (unreachable, changed key, not confirmed), 2 configuration error or unknown server name.
            """
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: "Inventory names of the servers to trust.")
    var names: [String] = []

    @Flag(help: "Every SSH server in the inventory (servers with HOST=local are skipped).")
    var all = false

    @Flag(help: "Add unknown keys without asking (a changed key is still refused).")
    var yes = false

    func validate() throws {
        if names.isEmpty && !all {
            throw ValidationError("name the servers whose host keys to trust (collector trust NAME…), or pass --all for every server")
        }
        if all && !names.isEmpty { throw ValidationError("pass server names or --all, not both") }
    }

    /// How one server ended.
    enum Outcome {
        case added, alreadyTrusted, changedKeyRefused, unreachable, notConfirmed, failed
    }

    func run() async throws {
        let context = try CommandContext.load(envFile: common.envFile, command: "trust")
        let inventory = context.inventory(command: "trust")
        var selected: [ServerConfig] = []
        var skippedLocal = 0
        let candidates = try servers(in: inventory)
        for server in candidates {
            if server.transport == .local {
                say("\(server.name): skipped: HOST=local is this machine, reached without SSH: there is no host key to trust")
                skippedLocal += 1
            } else {
                selected.append(server)
            }
        }
        let trust = HostKeyTrust(settings: context.settings.ssh, maximumConcurrentConnections: context.settings.concurrency)
        if selected.isEmpty && all { say("no SSH server in the inventory: nothing to trust") }

        // Fetch every key at once; then go through them in inventory order, asking one at a time.
        let fetched = await Self.fetchAll(selected, with: trust)
        var outcomes: [Outcome] = []
        for (server, result) in zip(selected, fetched) {
            switch result {
            case .success(let key): outcomes.append(handle(key, trust: trust))
            case .failure(let error):
                shout("\(server.name): cannot read its host key: \(error.message)")
                outcomes.append(.unreachable)
            case .none:
                outcomes.append(.failed)
            }
        }

        func count(_ outcome: Outcome) -> Int { outcomes.filter { $0 == outcome }.count }
        var summary = [
            "\(count(.added)) trusted", "\(count(.alreadyTrusted)) already trusted", "\(count(.changedKeyRefused)) changed key refused",
            "\(count(.unreachable)) unreachable",
        ]
        if count(.notConfirmed) > 0 { summary.append("\(count(.notConfirmed)) not confirmed") }
        if count(.failed) > 0 { summary.append("\(count(.failed)) failed") }
        if skippedLocal > 0 { summary.append("\(skippedLocal) local skipped") }
        say(summary.joined(separator: ", "))
        if outcomes.contains(where: { $0 != .added && $0 != .alreadyTrusted }) { throw ExitCode(1) }
    }

    /// One server's fetch, with its place in the list asked for.
    struct IndexedFetch: Sendable {
        let index: Int
        let result: Result<FetchedHostKey, RemoteExecError>
    }

    /// Every server's host key, fetched concurrently, in the order of `servers`.
    ///
    /// Each task returns a plain struct rather than a tuple holding a typed-throws `Result`:
    /// the release build (Swift 6.3.1) miscompiled the tuple form and trapped on the index.
    static func fetchAll(_ servers: [ServerConfig], with trust: HostKeyTrust) async -> [Result<FetchedHostKey, RemoteExecError>?] {
        await withTaskGroup(of: IndexedFetch.self) { group in
            for (index, server) in servers.enumerated() {
                group.addTask { IndexedFetch(index: index, result: await trust.fetchResult(server)) }
            }
            var results = [Result<FetchedHostKey, RemoteExecError>?](repeating: nil, count: servers.count)
            for await fetch in group where results.indices.contains(fetch.index) { results[fetch.index] = fetch.result }
            return results
        }
    }

    /// The servers asked for: every one with `--all`, else the named ones in the order given.
    /// An unknown name stops the command (exit 2) before any server is contacted.
    private func servers(in inventory: Inventory) throws -> [ServerConfig] {
        if all { return inventory.servers }
        var chosen: [ServerConfig] = []
        var unknown: [String] = []
        for name in names where !chosen.contains(where: { $0.name == name }) {
            if let server = inventory.servers.first(where: { $0.name == name }) {
                chosen.append(server)
            } else if !unknown.contains(name) {
                unknown.append(name)
            }
        }
        guard unknown.isEmpty else {
            let known = inventory.servers.map(\.name)
            let list = known.isEmpty ? "the inventory has no servers (check SERVERn_* and SERVERS_FILE)" : "known servers: " + known.joined(separator: ", ")
            let what = unknown.count == 1 ? "no server named \(unknown[0])" : "no servers named " + unknown.joined(separator: ", ")
            let skipped = unknown.filter { name in inventory.problems.contains { $0.entry == name } }
            let note = skipped.isEmpty ? "" : " (\(skipped.joined(separator: ", ")): skipped, see above: fix the entry first)"
            printError("collector trust: \(what) in the inventory\(note); \(list)")
            throw ExitCode(2)
        }
        return chosen
    }

    /// Shows one fetched key, compares it with the file and adds it when confirmed.
    private func handle(_ key: FetchedHostKey, trust: HostKeyTrust) -> Outcome {
        let name = key.serverName
        say("\(name): \(key.fingerprint.line)")
        do throws(RemoteExecError) {
            switch try trust.status(of: key) {
            case .trusted:
                say("\(name): already trusted in \(trust.knownHostsFile); nothing written")
                return .alreadyTrusted
            case .revoked, .changed:
                // Reported below, after the same check under the file's lock.
                break
            case .unknown:
                guard confirm(key) else { return .notConfirmed }
            }
            let before = try trust.trust(key)
            switch before {
            case .unknown:
                say("\(name): trusted: added to \(trust.knownHostsFile)")
                return .added
            case .trusted:
                say("\(name): already trusted in \(trust.knownHostsFile); nothing written")
                return .alreadyTrusted
            case .revoked:
                shout("\(name): REFUSED: \(trust.knownHostsFile) marks this key @revoked; nothing written")
                return .changedKeyRefused
            case .changed(let recorded, let pattern):
                shout(
                    """
                    @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
                    \(name): WARNING: THE HOST KEY HAS CHANGED. NOT TRUSTED, NOTHING WRITTEN.
                    \(name): on record in \(trust.knownHostsFile): \(recorded.line)
                    \(name): presented now:  \(key.fingerprint.line)
                    \(name): someone may be intercepting the connection to \(key.display), or the server was reinstalled.
                    \(name): if the change is expected, remove the old line with
                    \(name):     \(trust.removeCommand(for: pattern))
                    \(name): and run `\(HostKeyTrust.trustCommand(for: name))` again.
                    @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
                    """)
                return .changedKeyRefused
            }
        } catch {
            shout("\(name): \(error.message)")
            return .failed
        }
    }

    /// Whether the user accepts `key`: yes with `--yes`; else asked on the terminal. Without a
    /// terminal on standard input, refused with a message pointing at `--yes`.
    private func confirm(_ key: FetchedHostKey) -> Bool {
        if yes { return true }
        let name = key.serverName
        guard isatty(STDIN_FILENO) == 1 else {
            shout(
                "\(name): not trusted: standard input is not a terminal to confirm on; check the fingerprint above and run `\(HostKeyTrust.trustCommand(for: name)) --yes` to add it"
            )
            return false
        }
        FileHandle.standardError.write(Data("Trust this key for \(name)? [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            say("\(name): not trusted (answered \(answer.map { "“\($0)”" } ?? "nothing")); nothing written")
            return false
        }
        return true
    }

    /// One line to standard output, unbuffered, so it stays in order with standard error.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// One message to standard error.
    private func shout(_ message: String) {
        printError(message)
    }
}

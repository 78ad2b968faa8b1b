import ArgumentParser
import DashboardCore
import DashboardStorage
import Foundation
import InventoryYAML
import Logging
import RemoteExec
import ServiceSupport

/// What every subcommand reads at start: settings, inventory, a logger, the database.
struct CommandContext {
    var environment: ServiceEnvironment
    var settings: CollectorSettings
    var logger: Logger

    /// Loads settings; a bad setting is printed with its key and the process exits 2.
    static func load(envFile: String?, command: String) throws -> CommandContext {
        do {
            let environment = try ServiceEnvironment.load(envFile: envFile)
            for problem in environment.problems { printError("collector \(command): \(problem) (ignored)") }
            let settings = try CollectorSettings(environment: environment.values)
            return CommandContext(environment: environment, settings: settings, logger: environment.makeLogger(label: "collector"))
        } catch {
            printError("collector \(command): \(error)")
            throw ExitCode(2)
        }
    }

    /// The inventory from `SERVERn_*` and, when `SERVERS_FILE` is set, from that YAML file
    /// (a name used twice keeps the `SERVERn_*` entry); its problems printed by entry name.
    func inventory(command: String, quiet: Bool = false) -> Inventory {
        var sources = [InventoryParser.parse(environment: environment.values)]
        if let file = environment.values["SERVERS_FILE"]?.trimmingCharacters(in: .whitespaces), !file.isEmpty {
            sources.append(Self.serversFile(file))
        }
        let inventory = Inventory.merge(sources)
        if !quiet {
            for problem in inventory.problems { printError("collector \(command): skipped \(problem)") }
        }
        return inventory
    }

    /// The largest `SERVERS_FILE` read: far above any real inventory, and a guard against `/dev/zero`.
    static let maximumServersFileBytes = 64 << 20

    /// Reads the YAML inventory at `setting` (relative to the working directory, `~` expanded).
    /// A file that cannot be read is one problem, never a crash.
    static func serversFile(_ setting: String) -> Inventory {
        let path = SSHConnectionSettings.expandingTilde(in: setting)
        func unreadable(_ reason: String) -> Inventory {
            Inventory(
                servers: [],
                problems: [
                    InventoryProblem(
                        entry: "SERVERS_FILE",
                        message: "cannot read SERVERS_FILE \(path) (\(reason)); no server was read from it — check the path and its permissions"
                    )
                ])
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return unreadable("no such file") }
        guard !isFolder.boolValue else { return unreadable("it is a folder") }
        guard let handle = FileHandle(forReadingAtPath: path) else { return unreadable("permission denied") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumServersFileBytes + 1) ?? Data()
        } catch {
            return unreadable(error.localizedDescription)
        }
        guard data.count <= maximumServersFileBytes else { return unreadable("larger than \(maximumServersFileBytes >> 20) MiB") }
        guard let text = String(data: data, encoding: .utf8) else { return unreadable("not UTF-8 text") }
        return YAMLInventory.parse(yaml: text, source: path)
    }

    /// The database configuration: a pool of an eighth of the run's concurrency, 2 to 8
    /// connections. Each server holds a connection for a few milliseconds of statements
    /// after its probe, so 32 probes at a time keep 4 busy at most; every further connection
    /// would cost a SCRAM handshake (its PBKDF2 is a few ms of CPU, on both sides) and a
    /// PostgreSQL backend (docs/benchmarks.md, "make bench-collect").
    var databaseConfiguration: DatabaseConfiguration {
        DatabaseConfiguration(environment: environment.values, applicationName: "collector", poolSize: min(8, max(2, settings.concurrency / 8)))
    }
}

/// Options shared by the subcommands.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("env-file"), help: "Read settings from this file (default: ./.env when present); the environment wins over it.")
    var envFile: String?
}

/// Runs `body` with the migrated database; a database failure is printed and exits 2.
func withDatabase(_ context: CommandContext, command: String, _ body: (Database) async throws(StorageError) -> Void) async throws {
    let database = Database(configuration: context.databaseConfiguration, logger: context.logger)
    do {
        try await database.migrate(logger: context.logger)
        try await body(database)
    } catch {
        printError("collector \(command): \(error.message)")
        throw ExitCode(2)
    }
}

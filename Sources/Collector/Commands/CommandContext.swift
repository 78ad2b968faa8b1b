import ArgumentParser
import DashboardCore
import DashboardStorage
import Foundation
import Logging

/// What every subcommand reads at start: settings, inventory, a logger, the database.
struct CommandContext {
    var environment: CollectorEnvironment
    var settings: CollectorSettings
    var logger: Logger

    /// Loads settings; a bad setting is printed with its key and the process exits 2.
    static func load(envFile: String?, command: String) throws -> CommandContext {
        do {
            let environment = try CollectorEnvironment.load(envFile: envFile)
            for problem in environment.problems { printError("collector \(command): \(problem) (ignored)") }
            let settings = try CollectorSettings(environment: environment.values)
            return CommandContext(environment: environment, settings: settings, logger: environment.makeLogger(label: "collector"))
        } catch {
            printError("collector \(command): \(error)")
            throw ExitCode(2)
        }
    }

    /// The inventory from `SERVERn_*`, its problems printed by entry name.
    func inventory(command: String, quiet: Bool = false) -> Inventory {
        let inventory = InventoryParser.parse(environment: environment.values)
        if !quiet {
            for problem in inventory.problems { printError("collector \(command): skipped \(problem)") }
        }
        return inventory
    }

    /// The database configuration (pool sized to the run's concurrency).
    var databaseConfiguration: DatabaseConfiguration {
        DatabaseConfiguration(environment: environment.values, applicationName: "collector", poolSize: min(16, max(2, settings.concurrency / 2)))
    }
}

/// Options shared by the subcommands.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("env-file"), help: "Read settings from this file (default: ./.env when present); the environment wins over it.")
    var envFile: String?
}

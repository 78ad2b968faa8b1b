import ArgumentParser

/// `collector`: reads the inventory, probes every server over SSH and stores what it finds.
@main
struct CollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Collect metrics from every server in the inventory into PostgreSQL.",
        subcommands: [MigrateCommand.self]
    )
}

import ArgumentParser

/// `collector`: reads the inventory, probes every server over SSH and stores what it finds.
@main
struct CollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Collect metrics from every server in the inventory into PostgreSQL.",
        discussion: """
            Available now: `collector migrate`. Collection runs (`run --once`), `check` and \
            `cleanup` arrive with the collector issue; they are not part of this build.
            """,
        subcommands: [MigrateCommand.self]
    )
}

import ArgumentParser

/// `collector`: reads the inventory, probes every server over SSH and stores what it finds.
@main
struct CollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Collect metrics from every server in the inventory into PostgreSQL.",
        discussion: """
            Settings come from the environment and ./.env (see .env.example): DATABASE_URL, \
            SERVERn_* inventory, KNOWN_HOSTS_FILE, HOST_KEY_POLICY, COLLECT_*, THRESHOLD_*, ALERT_*, NOTIFY_*, SPOOL_* and ANOMALY_*.
            """,
        subcommands: [
            RunCommand.self, CheckCommand.self, MigrateCommand.self, CleanupCommand.self, SpoolCommand.self, SilenceCommand.self, NotifyCommand.self,
            TrustCommand.self, ImportSeedCommand.self, AnomaliesCommand.self,
        ]
    )
}

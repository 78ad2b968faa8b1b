import ArgumentParser
import Foundation

/// `collector spool`: what waits in the spool for PostgreSQL (part of `make db-stats`).
struct SpoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool",
        abstract: "Show what waits in the spool (SPOOL_DIR): results not yet stored in PostgreSQL.",
        discussion: """
            The next `collector run --once` that reaches PostgreSQL stores the spool first, in \
            order, and removes it. Files under quarantine/ could not be read: inspect and delete them.
            """
    )

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let context = try CommandContext.load(envFile: common.envFile, command: "spool")
        let directory = SpoolDirectory(path: context.settings.spoolDirectory, maximumBytes: context.settings.spoolMaximumBytes)
        let status = await SpoolDirectory.offload { directory.status() }
        print("spool \(directory.path): \(status.summary(limitBytes: directory.maximumBytes))")
    }
}

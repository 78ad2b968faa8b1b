import ArgumentParser
import DashboardCore
import DashboardStorage
import Foundation
import Notify

/// `collector notify test|pending`: try every channel, or deliver what waits in the outbox.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Check the notification channels (NOTIFY_URLS) or deliver pending notifications.",
        subcommands: [Test.self, Pending.self]
    )

    /// `collector notify test`: a `test` event to every channel, each one's outcome printed.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test event to every channel of NOTIFY_URLS and print how each fared.",
            discussion: "Exit status: 0 every channel accepted it, 1 some channel failed or could not be read, 2 no channel is configured."
        )
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let context = try CommandContext.load(envFile: common.envFile, command: "notify test")
            let settings = context.settings.notifications
            for problem in settings.channelProblems { print("failed  \(problem)") }
            guard !settings.channels.isEmpty || !settings.channelProblems.isEmpty else {
                printError("collector notify test: NOTIFY_URLS is empty: no channel to test (see .env.example, Notifications)")
                throw ExitCode(2)
            }
            let notifier = Notifier(settings: settings.sending, logger: context.logger)
            let now = Date()
            let event = NotificationEvent(
                eventID: UUID().uuidString.lowercased(), event: "test", alertID: 0, server: "server-dashboard", type: "test", severity: "warning",
                message: "A test notification from Server Dashboard: this channel works.", value: nil, openedAt: now, resolvedAt: nil)
            let outcomes = await withTaskGroup(of: (Int, String, DeliveryOutcome).self) { group in
                for channel in settings.channels {
                    group.addTask { (channel.position, channel.label, await notifier.send([event], to: channel)) }
                }
                var outcomes: [(Int, String, DeliveryOutcome)] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes.sorted { $0.0 < $1.0 }
            }
            var failed = !settings.channelProblems.isEmpty
            for (position, label, outcome) in outcomes {
                switch outcome {
                case .delivered:
                    print("ok      NOTIFY_URLS entry \(position) (\(label))")
                case .failed(let reason):
                    failed = true
                    print("failed  NOTIFY_URLS entry \(position) (\(label)): \(reason)")
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    /// `collector notify pending`: one delivery step, as after a run.
    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver the pending notifications now (a run does this after collecting).",
            discussion: """
                Also notifies open alerts whose silence has ended, writes reminders (NOTIFY_REPEAT_MINUTES) and gives up \
                on notifications older than NOTIFY_MAX_AGE_HOURS. Exit status: 0 nothing failed, 1 some delivery failed \
                (it stays pending, retried with backoff), 2 the database is unavailable.
                """
        )
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let context = try CommandContext.load(envFile: common.envFile, command: "notify pending")
            for problem in context.settings.notifications.channelProblems { printError("collector notify pending: \(problem) (skipped)") }
            var summary = NotificationDispatcher.Summary()
            try await withDatabase(context, command: "notify pending") { (database) throws(StorageError) in
                summary = try await NotificationDispatcher.make(database: database, context: context).deliver()
            }
            print(summary.line)
            if summary.failed > 0 || summary.abandoned > 0 { throw ExitCode(1) }
        }
    }
}

extension NotificationDispatcher {
    /// The dispatcher of a command: the context's settings and logger.
    static func make(database: Database, context: CommandContext) -> NotificationDispatcher {
        NotificationDispatcher(
            database: database, databaseConfiguration: context.databaseConfiguration, settings: context.settings.notifications,
            notifier: Notifier(settings: context.settings.notifications.sending, logger: context.logger), logger: context.logger)
    }
}

import ArgumentParser
import DashboardCore
import DashboardStorage
import Foundation

/// `collector silence add|list|remove`: silences kept in PostgreSQL (docs/notifications.md).
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Add, list or remove silences: alerts they cover still open and show, but are not notified.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    /// `collector silence add (--server NAME | --tag TAG | --all) [--type T] (--for 2h | --until TIME) --reason "…"`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Silence one server, a tag or every server, for a span or until a time.",
            discussion: """
                Examples: collector silence add --server web-01 --for 2h --reason "kernel update"; \
                collector silence add --tag db --type disk --until 2026-12-24T18:00Z --reason "migration". \
                An alert still open when the silence ends is notified then.
                """
        )

        @OptionGroup var common: CommonOptions
        @Option(help: "The server to silence (its inventory name).") var server: String?
        @Option(help: "Silence every server with this tag.") var tag: String?
        @Flag(help: "Silence every server.") var all = false
        @Option(help: "Only this alert type: cpu, ram, disk, offline, host_key, anomaly, failed_units, container, temperature or inodes.") var type: String?
        @Option(name: .customLong("for"), help: "How long: 90m, 2h, 1d, 1w (or combined: 1h30m).") var span: String?
        @Option(help: "Until this UTC time: 2026-12-24T18:00Z.") var until: String?
        @Option(help: "Why; shown with every alert it covers.") var reason: String

        func validate() throws {
            let scopes = [server != nil, tag != nil, all].filter { $0 }.count
            guard scopes == 1 else { throw ValidationError("give exactly one of --server NAME, --tag TAG or --all") }
            if let server, InventoryParser.acceptableName(server) == nil { throw ValidationError("--server must be a server name") }
            if let tag, tag.trimmingCharacters(in: .whitespaces).isEmpty || tag.count > 128 {
                throw ValidationError("--tag must be a tag of 1 to 128 characters")
            }
            if let type, AlertType(rawValue: type) == nil {
                throw ValidationError("--type must be one of \(AlertType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard (span == nil) != (until == nil) else { throw ValidationError("give exactly one of --for SPAN or --until TIME") }
            if let span, SpanText.seconds(span) == nil { throw ValidationError("--for takes a span like 90m, 2h, 1d or 1h30m") }
            if let until {
                guard let end = Timestamp.parse(until) else { throw ValidationError("--until takes a UTC time like 2026-12-24T18:00Z") }
                guard end > Date() else { throw ValidationError("--until lies in the past") }
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.count <= 500 else {
                throw ValidationError("--reason must say why, in at most 500 characters")
            }
        }

        func run() async throws {
            let context = try CommandContext.load(envFile: common.envFile, command: "silence add")
            let now = Date()
            let end = until.flatMap(Timestamp.parse) ?? now.addingTimeInterval(span.flatMap(SpanText.seconds) ?? 0)
            let scope: Silence.Scope = server.map { .server($0) } ?? tag.map { .tag($0.trimmingCharacters(in: .whitespaces)) } ?? .all
            try await withDatabase(context, command: "silence add") { (database) throws(StorageError) in
                let silence = try await database.silences.add(
                    scope: scope, alertType: type.flatMap(AlertType.init(rawValue:)), reason: reason.trimmingCharacters(in: .whitespaces), startsAt: now,
                    endsAt: end)
                print("added silence \(silence.id): \(SilenceCommand.describe(silence))")
            }
        }
    }

    /// `collector silence list`: silences in force and to come (with `--all`, ended ones too).
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the silences that have not ended (--all: every one).")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Include silences that have ended.") var all = false

        func run() async throws {
            let context = try CommandContext.load(envFile: common.envFile, command: "silence list")
            try await withDatabase(context, command: "silence list") { (database) throws(StorageError) in
                let silences = try await database.silences.list(includeEnded: all, now: Date())
                if silences.isEmpty { print(all ? "no silences" : "no silence in force") }
                for silence in silences { print("\(silence.id)\t\(SilenceCommand.describe(silence))") }
            }
        }
    }

    /// `collector silence remove ID`: ends a silence now.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a silence by its id (from `collector silence list`).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The silence's id.") var id: Int64

        func run() async throws {
            let context = try CommandContext.load(envFile: common.envFile, command: "silence remove")
            var removed = false
            try await withDatabase(context, command: "silence remove") { (database) throws(StorageError) in
                removed = try await database.silences.remove(id: id)
            }
            guard removed else {
                printError("collector silence remove: no silence \(id) (see collector silence list)")
                throw ExitCode(1)
            }
            print("removed silence \(id); open alerts it covered are notified after the next run")
        }
    }

    /// `server web-01, disk alerts, until 2026-12-24T18:00:00.000Z: kernel update`.
    static func describe(_ silence: Silence) -> String {
        let scope =
            switch silence.scope {
            case .server(let name): "server \(HostText.clean(name, maximumBytes: 500).text)"
            case .tag(let tag): "tag \(HostText.clean(tag, maximumBytes: 500).text)"
            case .all: "every server"
            }
        let type = silence.alertType.map { "\($0.rawValue) alerts" } ?? "every alert"
        return
            "\(scope), \(type), \(Timestamp.format(silence.startsAt)) until \(Timestamp.format(silence.endsAt)): \(HostText.clean(silence.reason, maximumBytes: 500).text)"
    }
}

import ArgumentParser
import DashboardCore
import DashboardStorage
import Foundation

/// `collector import-seed --from <URI> [--dry-run]`: copies the original product's history
/// into our database (docs/import-seed.md).
struct ImportSeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-seed",
        abstract: "Copy the original product's server_metrics and top_users into this database.",
        discussion: """
            Reads the original's PostgreSQL (--from) in one read-only snapshot and writes into ours (DATABASE_URL or \
            --env-file), in batches with a progress line each: servers are created as needed (disabled until the \
            inventory names them), naive timestamps are read as UTC, users' disk moves from GiB to bytes, rows that \
            cannot be read are skipped and reported, and the hourly rollup is refreshed for the imported hours. \
            Running it again adds nothing. With --dry-run it reads everything and writes nothing. \
            Exits 0 when done (skipped rows included), 2 when a database cannot be reached or read. See docs/import-seed.md.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(
        name: .customLong("from"),
        help: ArgumentHelp(
            "The original's database: postgresql://USER[:PASSWORD]@HOST:PORT/DBNAME (or libpq key=value). Its password is never printed; leave it out to use ~/.pgpass or PGPASSWORD.",
            valueName: "postgresql URI"))
    var from: String

    @Flag(name: .customLong("dry-run"), help: "Read everything and report what would be added; write nothing.")
    var dryRun = false

    @Option(name: .customLong("batch-size"), help: "Rows per batch and transaction (100 to 50000).")
    var batchSize = 5_000

    @Option(
        name: .customLong("match-window"),
        help: "Seconds a top_users row may be from its server's sample to join it (0 to 3600); further away, it gets a sample of its own.")
    var matchWindow = 300

    func validate() throws {
        if from.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--from needs the original's PostgreSQL URI") }
        if !(100...50_000).contains(batchSize) { throw ValidationError("--batch-size must be from 100 to 50000") }
        if !(0...3_600).contains(matchWindow) { throw ValidationError("--match-window must be from 0 to 3600 seconds") }
    }

    func run() async throws {
        let started = Date()
        let context = try CommandContext.load(envFile: common.envFile, command: "import-seed")
        let secret = SourceURI(from)
        print("reading the original's database at \(secret.redacted)\(dryRun ? " (dry run: nothing will be written)" : "")")
        let database = Database(configuration: context.databaseConfiguration, logger: context.logger)
        do {
            if dryRun {
                let pending = try await Migrator(pool: database.pool, logger: context.logger).pendingVersions()
                guard pending.isEmpty else {
                    printError(
                        "collector import-seed: our database lacks migrations \(pending.map(String.init).joined(separator: ", ")) — run `collector migrate` first (a dry run changes nothing, not even the schema)"
                    )
                    throw ExitCode(2)
                }
            } else {
                try await database.migrate(logger: context.logger)
            }
        } catch let error as StorageError {
            printError("collector import-seed: our database: \(secret.scrub(error.message))")
            throw ExitCode(2)
        }
        let now = Date()
        let options = SeedImportOptions(
            batchSize: batchSize, matchWindowSeconds: matchWindow, dryRun: dryRun,
            samplesKeptAfter: now.addingTimeInterval(-Double(context.settings.retentionDays) * 86_400),
            usersKeptAfter: now.addingTimeInterval(-Double(context.settings.topUsersRetentionDays) * 86_400))
        let source = DatabaseConfiguration(connectionString: from, applicationName: "collector import-seed", poolSize: 1)
        let report: SeedImportReport
        do {
            report = try await SeedImporter(source: source, target: database, options: options).run { step in
                print("\(step.table.rawValue): \(step.read)/\(step.total) rows")
            }
        } catch {
            printError("collector import-seed: \(secret.scrub(error.description))")
            throw ExitCode(2)
        }
        for line in Self.summary(report, settings: context.settings, seconds: Date().timeIntervalSince(started)) {
            print(secret.scrub(line))
        }
    }

    /// The closing lines: per table, servers, skips, the rollup, retention, time taken.
    static func summary(_ report: SeedImportReport, settings: CollectorSettings, seconds: Double) -> [String] {
        var lines: [String] = []
        let verb = report.dryRun ? "would add" : "added"
        for table in SeedTable.allCases {
            let part = report[table]
            guard part.present else {
                lines.append("\(table.rawValue): not in the original's database, nothing to copy")
                continue
            }
            lines.append(
                "\(table.rawValue): read \(part.read), \(verb) \(part.added), already present \(part.alreadyPresent), skipped \(part.skipped)")
            if !part.columnsMissing.isEmpty {
                lines.append("  columns missing in the original (taken as not measured): \(part.columnsMissing.joined(separator: ", "))")
            }
            if part.zeroFilled > 0 {
                lines.append("  \(part.zeroFilled) empty cpu, mem or process_count figures stored as 0 (our top_users requires them)")
            }
            if part.samplesCreated > 0 {
                lines.append("  \(part.samplesCreated) samples created for users with no sample of their server within the match window")
            }
        }
        let servers = report.serversCreated
        lines.append(
            "servers \(report.dryRun ? "to create" : "created"): \(servers.count)"
                + (servers.isEmpty ? "" : " (\(servers.prefix(20).joined(separator: ", "))\(servers.count > 20 ? ", …" : ""))"))
        if !report.firstSkips.isEmpty {
            lines.append("skipped rows by reason:")
            for (reason, count) in report.skipReasons.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                lines.append("  \(count) × \(reason)")
            }
            lines.append("first skipped rows:")
            for skip in report.firstSkips { lines.append("  \(skip)") }
        }
        if !report.dryRun {
            lines.append("hourly rollup: \(report.hoursRefreshed) hours refreshed")
        }
        if let first = report.firstAdded, let last = report.lastAdded {
            lines.append("samples added from \(Timestamp.format(first)) to \(Timestamp.format(last))")
        }
        if report.metrics.olderThanRetention > 0 {
            lines.append(
                "note: \(report.metrics.olderThanRetention) samples are older than RETENTION_DAYS (\(settings.retentionDays)); the daily cleanup will delete them — raise RETENTION_DAYS to keep them"
            )
        }
        if report.users.olderThanRetention > 0 {
            lines.append(
                "note: \(report.users.olderThanRetention) top_users rows are older than TOP_USERS_RETENTION_DAYS (\(settings.topUsersRetentionDays)); the daily cleanup will delete them — raise it to keep them"
            )
        }
        lines.append(String(format: "%@ in %.1f s", report.dryRun ? "dry run done, nothing written," : "import done", seconds))
        return lines
    }
}

/// The `--from` connection string, shown only with its password replaced by `***`.
struct SourceURI {
    let text: String
    /// The password it holds, when it holds one (URI user info, `password=` parameter or keyword).
    let password: String?

    init(_ text: String) {
        self.text = text
        password = Self.password(in: text)
    }

    /// The string with its password replaced by `***`.
    var redacted: String { scrub(text) }

    /// `message` with every occurrence of the password (raw or percent-encoded) replaced by `***`.
    func scrub(_ message: String) -> String {
        guard let password, !password.isEmpty else { return message }
        var scrubbed = message.replacing(password, with: "***")
        if let decoded = password.removingPercentEncoding, !decoded.isEmpty { scrubbed = scrubbed.replacing(decoded, with: "***") }
        return scrubbed
    }

    static func password(in text: String) -> String? {
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                if let colon = userInfo.firstIndex(of: ":") { return String(userInfo[userInfo.index(after: colon)...]) }
            }
            if let query = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: query)...].split(separator: "&") where pair.hasPrefix("password=") {
                    return String(pair.dropFirst("password=".count))
                }
            }
            return nil
        }
        // key=value form: password=secret or password='a secret'
        guard let range = text.range(of: "password") else { return nil }
        var rest = text[range.upperBound...].drop { $0 == " " }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        if rest.first == "'" {
            return String(rest.dropFirst().prefix { $0 != "'" })
        }
        return String(rest.prefix { $0 != " " })
    }
}

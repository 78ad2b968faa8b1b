import FoundationEssentials

/// How `SeedImporter` works.
public struct SeedImportOptions: Sendable {
    /// Source rows read, and our rows written, per transaction.
    public var batchSize: Int
    /// How far, in seconds, a `top_users` row may be from the sample it joins.
    public var matchWindowSeconds: Int
    /// Reads everything and reports what would be added, writing nothing.
    public var dryRun: Bool
    /// Samples before this are counted as ones the daily cleanup will delete (`RETENTION_DAYS`).
    public var samplesKeptAfter: Date?
    /// User rows before this are counted likewise (`TOP_USERS_RETENTION_DAYS`).
    public var usersKeptAfter: Date?

    /// Creates options; `batchSize` is kept within 1…50,000.
    public init(batchSize: Int = 5_000, matchWindowSeconds: Int = 300, dryRun: Bool = false, samplesKeptAfter: Date? = nil, usersKeptAfter: Date? = nil) {
        self.batchSize = min(max(1, batchSize), 50_000)
        self.matchWindowSeconds = max(0, matchWindowSeconds)
        self.dryRun = dryRun
        self.samplesKeptAfter = samplesKeptAfter
        self.usersKeptAfter = usersKeptAfter
    }
}

/// Copies the original product's `server_metrics` and `top_users` into our tables
/// (docs/import-seed.md): servers created as needed, batches of `batchSize` rows per
/// transaction read by key from one snapshot of the source, unreadable rows skipped and
/// reported, a second import adding nothing, and the hourly rollup refreshed for the
/// imported hours.
public struct SeedImporter: Sendable {
    /// Where the original's tables are (the `--from` URI).
    public let source: DatabaseConfiguration
    /// Our database, migrated.
    public let target: Database
    /// Batch size, match window, dry run.
    public let options: SeedImportOptions

    /// Creates an importer; nothing connects until `run`.
    public init(source: DatabaseConfiguration, target: Database, options: SeedImportOptions = SeedImportOptions()) {
        self.source = source
        self.target = target
        self.options = options
    }

    /// Runs the import (or the dry run), calling `progress` after every batch.
    public func run(progress: @Sendable (SeedImportProgress) -> Void = { _ in }) async throws(SeedImportError) -> SeedImportReport {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(source)
        } catch {
            throw SeedImportError("cannot read the original's database: " + Self.sourceMessage(error))
        }
        let reader = SeedSource(connection: connection)
        do {
            try await reader.begin()
        } catch {
            throw SeedImportError("cannot read the original's database: " + Self.sourceMessage(error))
        }
        // The snapshot ends with the connection, when `reader` goes away, however `run` ends.
        let layouts: [SeedTable: SeedSource.Layout]
        do {
            layouts = try await reader.layouts()
        } catch {
            throw SeedImportError("cannot read the original's database: " + Self.sourceMessage(error))
        }
        guard !layouts.isEmpty else {
            throw SeedImportError(
                "the database given with --from has neither a server_metrics nor a top_users table (in its current schema) — is it the original product's database?"
            )
        }
        for layout in layouts.values {
            let missing = SeedSource.required.filter { layout.missing.contains($0) }
            guard missing.isEmpty else {
                throw SeedImportError(
                    "\(layout.table.rawValue) in the --from database has no \(missing.joined(separator: " or ")) column — it is not the original product's table"
                )
            }
        }
        var report = SeedImportReport()
        report.dryRun = options.dryRun
        let writer = SeedImportWriter(pool: target.pool, matchWindowSeconds: options.matchWindowSeconds)
        var added = SeedImportWriter.Added()
        var wouldCreate: Set<String> = []
        for table in SeedTable.allCases {
            guard let layout = layouts[table] else { continue }
            report[table].present = true
            report[table].columnsRead = layout.present
            report[table].columnsMissing = layout.missing
            try await copy(layout, from: reader, to: writer, report: &report, added: &added, wouldCreate: &wouldCreate, progress: progress)
        }
        if options.dryRun {
            report.serversCreated = wouldCreate.sorted()
        } else {
            report.serversCreated.sort()
            do {
                report.hoursRefreshed = try await writer.refreshRollup(added)
            } catch {
                throw SeedImportError("cannot refresh the hourly rollup in our database: \(error.message)")
            }
        }
        for range in added.ranges.values { report.noteAdded(from: range.lowerBound, to: range.upperBound) }
        return report
    }

    /// Reads one table batch by batch and stores (or, in a dry run, checks) its rows.
    private func copy(
        _ layout: SeedSource.Layout, from reader: SeedSource, to writer: SeedImportWriter, report: inout SeedImportReport,
        added: inout SeedImportWriter.Added, wouldCreate: inout Set<String>, progress: @Sendable (SeedImportProgress) -> Void
    ) async throws(SeedImportError) {
        let table = layout.table
        do {
            report[table].total = try await reader.count(layout)
        } catch {
            throw SeedImportError("cannot read \(table.rawValue) in the original's database: " + Self.sourceMessage(error))
        }
        var after: String?
        while true {
            let rows: [(key: String, values: [String: String?])]
            do {
                rows = try await reader.batch(layout, after: after, limit: options.batchSize)
            } catch {
                throw SeedImportError("cannot read \(table.rawValue) in the original's database: " + Self.sourceMessage(error))
            }
            guard let last = rows.last else { break }
            after = last.key
            report[table].read += rows.count
            do {
                switch table {
                case .serverMetrics:
                    let valid = read(rows, table: table, report: &report, as: SeedMetricsRow.init)
                    if let cutoff = options.samplesKeptAfter { report[table].olderThanRetention += valid.count(where: { $0.time.date < cutoff }) }
                    try await storeMetrics(valid, writer: writer, report: &report, added: &added, wouldCreate: &wouldCreate)
                case .topUsers:
                    let valid = read(rows, table: table, report: &report, as: SeedUserRow.init)
                    if let cutoff = options.usersKeptAfter { report[table].olderThanRetention += valid.count(where: { $0.time.date < cutoff }) }
                    report[table].zeroFilled += valid.reduce(0) { $0 + $1.zeroFilled }
                    try await storeUsers(valid, writer: writer, report: &report, added: &added, wouldCreate: &wouldCreate)
                }
            } catch {
                throw SeedImportError("cannot write \(table.rawValue) rows into our database: \(error.message)")
            }
            progress(SeedImportProgress(table: table, read: report[table].read, total: max(report[table].total, report[table].read)))
            if rows.count < options.batchSize { break }
        }
    }

    /// The readable rows of a batch; the others are recorded as skipped.
    private func read<Row>(
        _ rows: [(key: String, values: [String: String?])], table: SeedTable, report: inout SeedImportReport,
        as make: ([String: String?]) throws(SeedValue.Refusal) -> Row
    ) -> [Row] {
        var valid: [Row] = []
        valid.reserveCapacity(rows.count)
        for row in rows {
            do throws(SeedValue.Refusal) {
                valid.append(try make(row.values))
            } catch {
                report.record(SeedSkip(table: table, sourceID: row.key, reason: error.reason, value: error.value))
            }
        }
        return valid
    }

    private func storeMetrics(
        _ rows: [SeedMetricsRow], writer: SeedImportWriter, report: inout SeedImportReport, added: inout SeedImportWriter.Added,
        wouldCreate: inout Set<String>
    ) async throws(StorageError) {
        guard !rows.isEmpty else { return }
        if options.dryRun {
            wouldCreate.formUnion(try await writer.unknownServers(Set(rows.map(\.serverName))))
            let new = try await writer.newSamples(rows)
            report.metrics.added += new
            report.metrics.alreadyPresent += rows.count - new
            return
        }
        let stored = try await writer.storeMetrics(rows)
        report.serversCreated += stored.servers
        added.merge(stored.added)
        report.metrics.added += stored.added.count
        report.metrics.alreadyPresent += rows.count - stored.added.count
    }

    private func storeUsers(
        _ rows: [SeedUserRow], writer: SeedImportWriter, report: inout SeedImportReport, added: inout SeedImportWriter.Added,
        wouldCreate: inout Set<String>
    ) async throws(StorageError) {
        guard !rows.isEmpty else { return }
        if options.dryRun {
            wouldCreate.formUnion(try await writer.unknownServers(Set(rows.map(\.serverName))))
            let present = try await writer.presentUsers(rows)
            report.users.added += rows.count - present
            report.users.alreadyPresent += present
            return
        }
        let stored = try await writer.storeUsers(rows)
        report.serversCreated += stored.servers
        added.merge(stored.samples)
        report.users.samplesCreated += stored.samples.count
        report.users.added += stored.users
        report.users.alreadyPresent += rows.count - stored.users
    }

    /// A source error for the user: what PostgreSQL said, pointing at `--from` rather than
    /// `DATABASE_URL`, and at the missing grant when the source refused to be read.
    static func sourceMessage(_ error: StorageError) -> String {
        var message = error.message.replacing("DATABASE_URL or the PG* variables", with: "the --from URI")
            .replacing("DATABASE_URL", with: "the --from URI")
        if error.sqlState == "42501" {
            message += " — the --from user needs SELECT on server_metrics and top_users"
        }
        return message
    }
}

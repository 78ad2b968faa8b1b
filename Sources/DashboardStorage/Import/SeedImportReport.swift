import FoundationEssentials

/// The original product's tables that `collector import-seed` copies (docs/import-seed.md).
public enum SeedTable: String, Sendable, CaseIterable {
    /// One row per server and collection: loads, RAM and disk use, users, TCP connections.
    case serverMetrics = "server_metrics"
    /// One row per user, server and collection: CPU, memory, home-directory size, processes.
    case topUsers = "top_users"
}

/// A source row that could not be read, and why.
public struct SeedSkip: Sendable, Equatable, CustomStringConvertible {
    /// The table the row is in.
    public var table: SeedTable
    /// The row's `id` in the source (its `ctid` when the table has no `id` column).
    public var sourceID: String
    /// What is wrong, without the value (`cpu_load_1min is not a number`): skips are counted by it.
    public var reason: String
    /// The offending value, cleaned and shortened, when there is one.
    public var value: String?

    /// Creates a skip.
    public init(table: SeedTable, sourceID: String, reason: String, value: String? = nil) {
        self.table = table
        self.sourceID = sourceID
        self.reason = reason
        self.value = value
    }

    /// `server_metrics id 17: cpu_load_1min is not a number ("n/a")`.
    public var description: String {
        "\(table.rawValue) id \(sourceID): \(reason)" + (value.map { " (\"\($0)\")" } ?? "")
    }
}

/// What happened to one table's rows.
public struct SeedTableReport: Sendable, Equatable {
    /// Whether the source has the table at all.
    public var present = false
    /// Rows in the source when the import started.
    public var total = 0
    /// Rows read so far.
    public var read = 0
    /// Rows added to our tables (in a dry run: that would be added).
    public var added = 0
    /// Readable rows our tables already held (a second import finds every row here).
    public var alreadyPresent = 0
    /// Rows that could not be read (see `SeedImportReport.skipReasons`).
    public var skipped = 0
    /// The table's columns we read; the others it has are ignored.
    public var columnsRead: [String] = []
    /// Columns we would read that the source lacks: their values are taken as not read.
    public var columnsMissing: [String] = []
    /// Readable rows older than the retention period our daily cleanup keeps.
    public var olderThanRetention = 0
    /// `top_users` only: figures our schema requires (CPU, memory, process count) that were
    /// NULL or absent in the source and were stored as 0.
    public var zeroFilled = 0
    /// `top_users` only: samples made for users that had none within the match window.
    public var samplesCreated = 0

    /// Creates an empty report.
    public init() {}
}

/// The outcome of an import (or of a dry run: what it would do).
public struct SeedImportReport: Sendable, Equatable {
    /// Whether this was a dry run, which writes nothing.
    public var dryRun = false
    /// `server_metrics`.
    public var metrics = SeedTableReport()
    /// `top_users`.
    public var users = SeedTableReport()
    /// Servers added to our `servers` table (in a dry run: that would be added), by name.
    public var serversCreated: [String] = []
    /// The first skipped rows, in the order they were read.
    public var firstSkips: [SeedSkip] = []
    /// Skipped rows by table and reason.
    public var skipReasons: [String: Int] = [:]
    /// Hours of the hourly rollup recomputed for the imported range.
    public var hoursRefreshed = 0
    /// The earliest and latest sample time added.
    public var firstAdded: Date?
    /// The latest sample time added.
    public var lastAdded: Date?

    /// How many skipped rows `firstSkips` keeps.
    public static let keptSkips = 10

    /// Creates an empty report.
    public init() {}

    /// The report of `table`.
    public subscript(table: SeedTable) -> SeedTableReport {
        get { table == .serverMetrics ? metrics : users }
        set {
            if table == .serverMetrics { metrics = newValue } else { users = newValue }
        }
    }

    mutating func record(_ skip: SeedSkip) {
        self[skip.table].skipped += 1
        skipReasons["\(skip.table.rawValue): \(skip.reason)", default: 0] += 1
        if firstSkips.count < Self.keptSkips { firstSkips.append(skip) }
    }

    mutating func noteAdded(from first: Date, to last: Date) {
        firstAdded = min(firstAdded ?? first, first)
        lastAdded = max(lastAdded ?? last, last)
    }
}

/// One step of an import, for a progress line: `server_metrics: 15000/48210 rows`.
public struct SeedImportProgress: Sendable, Equatable {
    /// The table being read.
    public var table: SeedTable
    /// Rows read so far.
    public var read: Int
    /// Rows in the source table.
    public var total: Int
}

/// The import cannot go on: the source is unreachable, lacks the tables, or refuses to be read.
public struct SeedImportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do; never holds a password.
    public var description: String

    /// Creates an error with this explanation.
    public init(_ description: String) { self.description = description }
}

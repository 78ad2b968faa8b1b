import FoundationEssentials

/// The original product's database, read through our own libpq layer in one read-only,
/// repeatable-read transaction: every batch sees the same snapshot, and nothing is written.
struct SeedSource: Sendable {
    let connection: PostgresConnection

    /// The columns we read from each table, by the original's names; all but `server_name`
    /// and `timestamp` may be missing (their values are then taken as not read).
    static let columns: [SeedTable: [String]] = [
        .serverMetrics: [
            "server_name", "timestamp", "cpu_load_1min", "cpu_load_5min", "cpu_load_15min", "ram_percentage", "disk_percentage", "logged_users",
            "tcp_connections",
        ],
        .topUsers: ["server_name", "timestamp", "username", "cpu", "mem", "disk", "process_count", "top_process"],
    ]

    /// The columns a table cannot do without.
    static let required = ["server_name", "timestamp"]

    /// What the source holds of one table.
    struct Layout: Sendable {
        var table: SeedTable
        /// Our columns the table has.
        var present: [String]
        /// Our columns it lacks.
        var missing: [String]
        /// Whether it has an integer `id` column to page by (else `ctid`).
        var hasID: Bool
    }

    /// Starts the snapshot every later read uses.
    func begin() async throws(StorageError) {
        try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    }

    /// Each table's layout, `nil` for a table the source does not have (in its current schema).
    func layouts() async throws(StorageError) -> [SeedTable: Layout] {
        let result = try await connection.query(
            """
            SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, c.data_type::text AS data_type
            FROM information_schema.columns c
            WHERE c.table_schema = current_schema() AND c.table_name IN ('server_metrics', 'top_users')
            """)
        var found: [SeedTable: Set<String>] = [:]
        var numericID: Set<SeedTable> = []
        for row in result.rows {
            guard let table = SeedTable(rawValue: try row.require("table_name")) else { continue }
            let column: String = try row.require("column_name")
            found[table, default: []].insert(column)
            if column == "id", ["integer", "bigint", "smallint"].contains(try row.require("data_type", as: String.self)) {
                numericID.insert(table)
            }
        }
        var layouts: [SeedTable: Layout] = [:]
        for (table, names) in found {
            let wanted = Self.columns[table] ?? []
            layouts[table] = Layout(
                table: table, present: wanted.filter { names.contains($0) }, missing: wanted.filter { !names.contains($0) }, hasID: numericID.contains(table))
        }
        return layouts
    }

    /// Rows in a table.
    func count(_ layout: Layout) async throws(StorageError) -> Int {
        // The table name is one of two fixed names (SeedTable), never outside text.
        try await connection.query("SELECT count(*) AS rows FROM \(unsafeRaw: layout.table.rawValue)").first?.require("rows") ?? 0
    }

    /// The next `limit` rows after `after` (the last row's key; `nil` to start), each value as
    /// text by our column name (missing columns are absent), with the row's key.
    func batch(_ layout: Layout, after: String?, limit: Int) async throws(StorageError) -> [(key: String, values: [String: String?])] {
        // Column and table names come from our fixed lists, quoted; values are bound.
        let selected = layout.present.map { "\"\($0)\"::text AS \"\($0)\"" }.joined(separator: ", ")
        let query: SQLQuery
        if layout.hasID {
            query = """
                SELECT id::text AS seed_key, \(unsafeRaw: selected) FROM \(unsafeRaw: layout.table.rawValue)
                WHERE (\(after)::bigint IS NULL OR id > \(after)::bigint) ORDER BY id LIMIT \(limit)
                """
        } else {
            query = """
                SELECT ctid::text AS seed_key, \(unsafeRaw: selected) FROM \(unsafeRaw: layout.table.rawValue)
                WHERE (\(after)::tid IS NULL OR ctid > \(after)::tid) ORDER BY ctid LIMIT \(limit)
                """
        }
        let result = try await connection.query(query)
        let key = try result.column("seed_key")
        var columns: [(String, Column)] = []
        for name in layout.present { columns.append((name, try result.column(name))) }
        var rows: [(key: String, values: [String: String?])] = []
        rows.reserveCapacity(result.count)
        for row in result.rows {
            var values: [String: String?] = [:]
            for (name, column) in columns { values[name] = try row.decode(column, as: String.self) }
            rows.append((try row.require(key, as: String.self), values))
        }
        return rows
    }
}

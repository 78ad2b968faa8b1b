import FoundationEssentials

/// Writes batches of the original's rows into our tables (and answers a dry run's questions
/// without writing). Every statement binds its values; idempotence comes from our keys:
/// a sample is unique per server and time (`server_metrics_server_time`), and a user row is
/// added only when its sample has no row for that user yet.
struct SeedImportWriter: Sendable {
    let pool: ConnectionPool
    /// How far, in seconds, a user row may be from the sample it is attached to.
    let matchWindowSeconds: Int

    /// Samples added: how many, and per server the first and last time.
    struct Added: Sendable {
        var count = 0
        var ranges: [Int64: ClosedRange<Date>] = [:]

        mutating func merge(_ other: Added) {
            count += other.count
            for (server, range) in other.ranges {
                let known = ranges[server] ?? range
                ranges[server] = min(known.lowerBound, range.lowerBound)...max(known.upperBound, range.upperBound)
            }
        }
    }

    /// The part of a statement that follows a CTE `inserted (id, server_id, collected_at)` of new
    /// samples: moves each server's latest sample, first and last seen as storing a sample does
    /// (SampleRepository), and returns per server how many were added and their time range.
    static let moveServersAndReport = """
        latest AS (
            SELECT DISTINCT ON (server_id) server_id, id, collected_at AS last_at,
                min(collected_at) OVER (PARTITION BY server_id) AS first_at
            FROM inserted ORDER BY server_id, collected_at DESC
        ),
        moved AS (
            UPDATE servers SET
                latest_sample_id = CASE WHEN last_seen IS NULL OR last_seen <= latest.last_at THEN latest.id ELSE latest_sample_id END,
                first_seen = LEAST(COALESCE(first_seen, latest.first_at), latest.first_at),
                last_seen = GREATEST(COALESCE(last_seen, latest.last_at), latest.last_at),
                last_attempt_at = GREATEST(COALESCE(last_attempt_at, latest.last_at), latest.last_at),
                last_error_kind = CASE WHEN last_attempt_at IS NULL OR last_attempt_at <= latest.last_at THEN NULL ELSE last_error_kind END,
                last_error = CASE WHEN last_attempt_at IS NULL OR last_attempt_at <= latest.last_at THEN NULL ELSE last_error END
            FROM latest WHERE servers.id = latest.server_id
        )
        SELECT server_id, count(*) AS added, min(collected_at) AS first_at, max(collected_at) AS last_at
        FROM inserted GROUP BY server_id
        """

    /// Adds the servers among `names` that we do not know, disabled and without a host (the
    /// inventory enables them and sets their host when it names them); returns their names.
    static func createServers(_ names: Set<String>, on connection: PostgresConnection) async throws(StorageError) -> [String] {
        guard !names.isEmpty else { return [] }
        let result = try await connection.query(
            """
            INSERT INTO servers (name, host, enabled)
            SELECT n, '', false FROM unnest(\(names.sorted())::text[]) AS n
            ON CONFLICT (name) DO NOTHING
            RETURNING name
            """)
        var created: [String] = []
        for row in result.rows { created.append(try row.require("name")) }
        return created
    }

    /// Stores one batch of samples in one transaction; returns the servers created and what was added.
    func storeMetrics(_ rows: [SeedMetricsRow]) async throws(StorageError) -> (servers: [String], added: Added) {
        try await pool.withTransaction { (connection) throws(StorageError) -> (servers: [String], added: Added) in
            let servers = try await Self.createServers(Set(rows.map(\.serverName)), on: connection)
            let insert: SQLQuery = """
                WITH inserted AS (
                    INSERT INTO server_metrics (server_id, collected_at, load_1, load_5, load_15, ram_percent, disk_percent, logged_users, tcp_connections)
                    SELECT s.id, t.at, t.l1, t.l5, t.l15, t.ram, t.disk, t.users, t.tcp
                    FROM unnest(
                        \(rows.map(\.serverName))::text[], \(rows.map(\.time.text))::timestamptz[],
                        \(rows.map(\.load1))::double precision[], \(rows.map(\.load5))::double precision[], \(rows.map(\.load15))::double precision[],
                        \(rows.map(\.ramPercent))::double precision[], \(rows.map(\.diskPercent))::double precision[],
                        \(rows.map(\.loggedUsers))::integer[], \(rows.map(\.tcpConnections))::integer[]
                    ) AS t(name, at, l1, l5, l15, ram, disk, users, tcp)
                    JOIN servers s ON s.name = t.name
                    ORDER BY s.id, t.at
                    ON CONFLICT (server_id, collected_at) DO NOTHING
                    RETURNING id, server_id, collected_at
                ),
                """
            let result = try await connection.query(insert.appending("\(unsafeRaw: Self.moveServersAndReport)"))
            return (servers, try Self.added(result))
        }
    }

    /// Stores one batch of user rows in one transaction. Each row joins the sample of its
    /// server nearest to its time within the match window; where there is none, a sample
    /// holding only the server and the time is made for it first. Returns the servers created,
    /// those samples, and how many user rows were added.
    func storeUsers(_ rows: [SeedUserRow]) async throws(StorageError) -> (servers: [String], samples: Added, users: Int) {
        let window = matchWindowSeconds
        return try await pool.withTransaction { (connection) throws(StorageError) -> (servers: [String], samples: Added, users: Int) in
            let servers = try await Self.createServers(Set(rows.map(\.serverName)), on: connection)
            let names = rows.map(\.serverName)
            let times = rows.map(\.time.text)
            let samples: SQLQuery = """
                WITH inserted AS (
                    INSERT INTO server_metrics (server_id, collected_at)
                    SELECT DISTINCT s.id, t.at
                    FROM unnest(\(names)::text[], \(times)::timestamptz[]) AS t(name, at)
                    JOIN servers s ON s.name = t.name
                    WHERE NOT EXISTS (
                        SELECT 1 FROM server_metrics m
                        WHERE m.server_id = s.id
                          AND m.collected_at BETWEEN t.at - \(window)::integer * interval '1 second' AND t.at + \(window)::integer * interval '1 second')
                    ORDER BY 1, 2
                    ON CONFLICT (server_id, collected_at) DO NOTHING
                    RETURNING id, server_id, collected_at
                ),
                """
            let made = try Self.added(try await connection.query(samples.appending("\(unsafeRaw: Self.moveServersAndReport)")))
            let head: SQLQuery = """
                WITH t AS (
                    SELECT * FROM unnest(
                        \(names)::text[], \(times)::timestamptz[], \(rows.map(\.username))::text[],
                        \(rows.map(\.cpuPercent))::double precision[], \(rows.map(\.memoryPercent))::double precision[],
                        \(rows.map(\.processCount))::integer[], \(rows.map(\.topProcess))::text[], \(rows.map(\.homeBytes))::bigint[]
                    ) WITH ORDINALITY AS t(name, at, username, cpu, mem, processes, top_process, home, n)
                ),
                matched AS (
                    SELECT DISTINCT ON (m.id, t.username) m.id AS sample_id, s.id AS server_id, m.collected_at,
                        t.username, t.cpu, t.mem, t.processes, t.top_process, t.home
                    FROM t JOIN servers s ON s.name = t.name
                    CROSS JOIN LATERAL (
                """
            let tail: SQLQuery = """
                    ) m
                    ORDER BY m.id, t.username, t.n
                )
                INSERT INTO top_users (sample_id, server_id, collected_at, username, cpu_percent, memory_percent, process_count, top_process, home_bytes)
                SELECT sample_id, server_id, collected_at, username, cpu, mem, processes, top_process, home FROM matched
                WHERE NOT EXISTS (SELECT 1 FROM top_users u WHERE u.sample_id = matched.sample_id AND u.username = matched.username)
                """
            let users = try await connection.query(head.appending(Self.nearestSample(window)).appending(tail))
            return (servers, made, users.affectedRows)
        }
    }

    /// The sample of server `s` nearest to `t.at` within `window` seconds, for a lateral join.
    static func nearestSample(_ window: Int) -> SQLQuery {
        """
        SELECT m.id, m.collected_at FROM server_metrics m
        WHERE m.server_id = s.id
          AND m.collected_at BETWEEN t.at - \(window)::integer * interval '1 second' AND t.at + \(window)::integer * interval '1 second'
        ORDER BY abs(extract(epoch FROM m.collected_at - t.at)), m.collected_at
        LIMIT 1
        """
    }

    // MARK: - Dry run (read only)

    /// The names among `names` that we do not know yet.
    func unknownServers(_ names: Set<String>) async throws(StorageError) -> [String] {
        guard !names.isEmpty else { return [] }
        let result = try await pool.query(
            "SELECT n FROM unnest(\(names.sorted())::text[]) AS n WHERE NOT EXISTS (SELECT 1 FROM servers s WHERE s.name = n)")
        var unknown: [String] = []
        for row in result.rows { unknown.append(try row.require("n")) }
        return unknown
    }

    /// How many of the rows' samples (server and time, duplicates counted once) we do not hold yet.
    func newSamples(_ rows: [SeedMetricsRow]) async throws(StorageError) -> Int {
        try await pool.query(
            """
            SELECT count(*) AS new FROM (SELECT DISTINCT name, at FROM unnest(\(rows.map(\.serverName))::text[], \(rows.map(\.time.text))::timestamptz[]) AS t(name, at)) t
            WHERE NOT EXISTS (SELECT 1 FROM servers s JOIN server_metrics m ON m.server_id = s.id WHERE s.name = t.name AND m.collected_at = t.at)
            """
        ).first?.require("new") ?? 0
    }

    /// How many of the user rows the sample they would join already holds.
    func presentUsers(_ rows: [SeedUserRow]) async throws(StorageError) -> Int {
        let head: SQLQuery = """
            SELECT count(*) AS present
            FROM unnest(\(rows.map(\.serverName))::text[], \(rows.map(\.time.text))::timestamptz[], \(rows.map(\.username))::text[]) AS t(name, at, username)
            JOIN servers s ON s.name = t.name
            CROSS JOIN LATERAL (
            """
        let tail: SQLQuery = """
            ) m
            WHERE EXISTS (SELECT 1 FROM top_users u WHERE u.sample_id = m.id AND u.username = t.username)
            """
        return try await pool.query(head.appending(Self.nearestSample(matchWindowSeconds)).appending(tail)).first?.require("present") ?? 0
    }

    // MARK: - Rollup

    /// Recomputes the hourly rollup of each server over the hours its added samples touch;
    /// returns the number of hours written.
    func refreshRollup(_ added: Added) async throws(StorageError) -> Int {
        var hours = 0
        for (server, range) in added.ranges.sorted(by: { $0.key < $1.key }) {
            let result = try await pool.query(
                "SELECT server_metrics_hourly_refresh(ARRAY[\(server)]::bigint[], \(range.lowerBound), \(range.upperBound.addingTimeInterval(3_600))) AS hours")
            hours += try result.first?.require("hours") ?? 0
        }
        return hours
    }

    static func added(_ result: QueryResult) throws(StorageError) -> Added {
        var added = Added()
        for row in result.rows {
            let first: Date = try row.require("first_at")
            let last: Date = try row.require("last_at")
            added.count += try row.require("added", as: Int.self)
            added.ranges[try row.require("server_id")] = first...last
        }
        return added
    }
}

import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// `collector import-seed` against a real PostgreSQL holding the original product's tables,
/// created here with the original's column names in a database of their own.
@Suite(.tags(.postgres, .builtProducts)) struct ImportSeedTests {
    /// The original's tables: `server_metrics` without `tcp_connections` (an install that
    /// lacks an optional column) and with an extra `cpu_temp`, and `top_users` as shipped.
    static let originalSchema = [
        """
        CREATE TABLE server_metrics (id serial PRIMARY KEY, server_name varchar(255), "timestamp" timestamp, cpu_load_1min numeric,
            cpu_load_5min numeric, cpu_load_15min real, ram_percentage numeric, disk_percentage real, logged_users integer, cpu_temp real)
        """,
        """
        CREATE TABLE top_users (id serial PRIMARY KEY, server_name varchar(255), "timestamp" timestamp, username varchar(255), cpu real,
            mem real, disk real, process_count integer, top_process varchar(255))
        """,
    ]

    /// Six hand-made samples (two unreadable), 250 more for one server, three user rows.
    static let originalRows = [
        """
        INSERT INTO server_metrics (server_name, "timestamp", cpu_load_1min, cpu_load_5min, cpu_load_15min, ram_percentage, disk_percentage,
            logged_users, cpu_temp) VALUES
            ('web-01', '2024-03-01 10:00:00', 0.5, 0.6, 0.7, 41.5, 63.25, 2, 55),
            ('web-01', '2024-03-01 10:15:00', 1.5, 0.9, 0.8, 42.5, 63.5, 3, 56),
            ('web-01', '2024-03-01 11:05:00', 0.1, 0.2, 0.3, 40, 64, 1, 54),
            (NULL, '2024-03-01 10:00:00', 0.1, 0.1, 0.1, 10, 10, 0, 40),
            ('db-01', '2024-03-01 10:00:00.123456', 2, 2, 2, 80, 70, 0, 60),
            ('db-01', '2024-03-01 10:30:00', 2, 2, 2, 150, 70, 0, 60)
        """,
        """
        INSERT INTO server_metrics (server_name, "timestamp", cpu_load_1min, ram_percentage)
        SELECT 'bulk-01', timestamp '2024-02-01 00:00:00' + n * interval '1 minute', 0.25, 50 FROM generate_series(0, 249) AS n
        """,
        """
        INSERT INTO top_users (server_name, "timestamp", username, cpu, mem, disk, process_count, top_process) VALUES
            ('web-01', '2024-03-01 10:01:30', 'alice', 55.5, 10.25, NULL, 12, 'postgres'),
            ('web-01', '2024-03-01 10:00:00', 'bob', 5, 1.5, 1.5, 3, 'bash'),
            ('ghost-01', '2024-03-01 12:00:00', 'carol', 1, 2, 0.5, 1, E'vim\\u001b[31m')
        """,
    ]

    /// A database with the original's tables and rows, on the test cluster.
    static func original() async throws -> TestDatabase {
        let source = try await TestDatabase.make(migrate: false, poolSize: 1)
        for statement in originalSchema + originalRows { try await source.database.pool.query(SQLQuery(stringLiteral: statement)) }
        return source
    }

    static func importSeed(_ arguments: [String], target: TestDatabase) async throws -> ProgramResult {
        let environment = [
            "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LOG_LEVEL": "warning", "DATABASE_URL": target.url,
        ]
        return try await runProgramDetached(
            [builtProduct("collector"), "import-seed"] + arguments + ["--env-file", "/dev/null"], environment: environment)
    }

    /// The password inside a `postgresql://user:password@…` URL.
    static func password(in url: String) throws -> String {
        let userInfo = try #require(url.components(separatedBy: "://").last?.components(separatedBy: "@").first)
        return try #require(userInfo.components(separatedBy: ":").last)
    }

    static func value(_ test: TestDatabase, _ sql: String) async throws -> String? {
        try await test.database.pool.query(SQLQuery(stringLiteral: sql)).first?.decode("v")
    }

    @Test func copiesBothTablesOnceWithServersRollupAndReportedSkips() async throws {
        let source = try await Self.original()
        let target = try await TestDatabase.make()
        let first = try await Self.importSeed(["--from", source.url, "--batch-size", "100"], target: target)
        #expect(first.status == 0, "\(first.stderr)")
        let out = first.stdout
        #expect(out.contains("server_metrics: 100/256 rows") && out.contains("server_metrics: 256/256 rows"), "\(out)")
        #expect(out.contains("top_users: 3/3 rows"), "\(out)")
        #expect(out.contains("server_metrics: read 256, added 254, already present 0, skipped 2"), "\(out)")
        #expect(out.contains("columns missing in the original (taken as not measured): tcp_connections"), "\(out)")
        #expect(out.contains("top_users: read 3, added 3, already present 0, skipped 0"), "\(out)")
        #expect(out.contains("servers created: 4 (bulk-01, db-01, ghost-01, web-01)"), "\(out)")
        #expect(out.contains("server_metrics id 4: no server name"), "\(out)")
        #expect(out.contains("server_metrics id 6: ram_percentage is out of range (\"150\")"), "\(out)")
        #expect(out.contains("1 samples created for users with no sample of their server within the match window"), "\(out)")
        let secret = try Self.password(in: source.url)
        #expect(!out.contains(secret) && !first.stderr.contains(secret))
        #expect(out.contains("reading the original's database at postgresql://dashboard:***@"), "\(out)")

        // Samples per server; a naive timestamp read as UTC, microseconds kept; the missing column NULL.
        #expect(
            try await Self.value(target, "SELECT count(*)::text AS v FROM server_metrics m JOIN servers s ON s.id = m.server_id WHERE s.name = 'web-01'") == "3"
        )
        #expect(
            try await Self.value(target, "SELECT count(*)::text AS v FROM server_metrics m JOIN servers s ON s.id = m.server_id WHERE s.name = 'bulk-01'")
                == "250")
        #expect(
            try await Self.value(target, "SELECT m.collected_at::text AS v FROM server_metrics m JOIN servers s ON s.id = m.server_id WHERE s.name = 'db-01'")
                == "2024-03-01 10:00:00.123456+00")
        #expect(try await Self.value(target, "SELECT count(*)::text AS v FROM server_metrics WHERE tcp_connections IS NOT NULL") == "0")
        #expect(
            try await Self.value(
                target,
                "SELECT concat_ws(',', load_1, ram_percent, disk_percent, logged_users) AS v FROM server_metrics WHERE collected_at = '2024-03-01 10:15:00+00'")
                == "1.5,42.5,63.5,3")
        // Servers are created disabled, with their history's first and last times and latest sample.
        #expect(
            try await Self.value(
                target,
                "SELECT concat_ws(',', enabled::text, first_seen, last_seen, (SELECT collected_at FROM server_metrics WHERE id = latest_sample_id)) AS v FROM servers WHERE name = 'web-01'"
            ) == "false,2024-03-01 10:00:00+00,2024-03-01 11:05:00+00,2024-03-01 11:05:00+00")
        // Users join the nearest sample within the window; disk moves from GiB to bytes; text is cleaned.
        #expect(
            try await Self.value(
                target,
                "SELECT concat_ws(',', collected_at, cpu_percent, memory_percent, process_count, top_process) AS v FROM top_users WHERE username = 'alice'")
                == "2024-03-01 10:00:00+00,55.5,10.25,12,postgres")
        #expect(try await Self.value(target, "SELECT home_bytes::text AS v FROM top_users WHERE username = 'bob'") == "1610612736")
        #expect(
            try await Self.value(target, "SELECT concat_ws(',', u.collected_at, u.top_process, u.home_bytes) AS v FROM top_users u WHERE username = 'carol'")
                == "2024-03-01 12:00:00+00,vim[31m,536870912")
        // The hourly rollup holds the imported hours.
        #expect(
            try await Self.value(
                target,
                """
                SELECT string_agg(to_char(h.hour AT TIME ZONE 'UTC', 'HH24:MI') || '=' || h.samples, ' ' ORDER BY h.hour) AS v
                FROM server_metrics_hourly h JOIN servers s ON s.id = h.server_id WHERE s.name = 'web-01'
                """) == "10:00=2 11:00=1")
        #expect(try await Self.value(target, "SELECT sum(samples)::text AS v FROM server_metrics_hourly") == "255")

        // A second import adds nothing.
        let second = try await Self.importSeed(["--from", source.url], target: target)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("server_metrics: read 256, added 0, already present 254, skipped 2"), "\(second.stdout)")
        #expect(second.stdout.contains("top_users: read 3, added 0, already present 3, skipped 0"), "\(second.stdout)")
        #expect(second.stdout.contains("servers created: 0"), "\(second.stdout)")
        #expect(try await Self.value(target, "SELECT count(*)::text AS v FROM server_metrics") == "255")
        #expect(try await Self.value(target, "SELECT count(*)::text AS v FROM top_users") == "3")
    }

    @Test func dryRunReportsAndWritesNothing() async throws {
        let source = try await Self.original()
        let target = try await TestDatabase.make()
        let result = try await Self.importSeed(["--from", source.url, "--dry-run"], target: target)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("server_metrics: read 256, would add 254, already present 0, skipped 2"), "\(result.stdout)")
        #expect(result.stdout.contains("top_users: read 3, would add 3, already present 0, skipped 0"), "\(result.stdout)")
        #expect(result.stdout.contains("servers to create: 4 (bulk-01, db-01, ghost-01, web-01)"), "\(result.stdout)")
        #expect(result.stdout.contains("dry run done, nothing written"), "\(result.stdout)")
        for table in ["servers", "server_metrics", "top_users", "server_metrics_hourly"] {
            #expect(try await Self.value(target, "SELECT count(*)::text AS v FROM \(table)") == "0", "\(table)")
        }
    }

    @Test func aSourceWithoutTheTablesOrAWrongPasswordExitsTwoWithoutThePassword() async throws {
        let empty = try await TestDatabase.make(migrate: false, poolSize: 1)
        let target = try await TestDatabase.make()
        let secret = try Self.password(in: empty.url)
        let noTables = try await Self.importSeed(["--from", empty.url], target: target)
        #expect(noTables.status == 2)
        #expect(noTables.stderr.contains("has neither a server_metrics nor a top_users table"), "\(noTables.stderr)")
        #expect(!noTables.stderr.contains(secret) && !noTables.stdout.contains(secret))

        let wrong = empty.url.replacingOccurrences(of: ":\(secret)@", with: ":not-the-Pa55word@")
        let refused = try await Self.importSeed(["--from", wrong], target: target)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("cannot read the original's database: cannot connect to PostgreSQL at 127.0.0.1"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--from"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("not-the-Pa55word") && !refused.stdout.contains("not-the-Pa55word"))
        #expect(try await Self.value(target, "SELECT count(*)::text AS v FROM servers") == "0")
    }
}

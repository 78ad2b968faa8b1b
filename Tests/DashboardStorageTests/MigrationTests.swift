import DashboardStorage
import Foundation
import TestSupport
import Testing

@Suite(.tags(.postgres)) struct MigrationTests {
    @Test func appliesOnceAndReappliesAsNoOp() async throws {
        let test = try await TestDatabase.make(migrate: false)
        let first = try await test.database.migrate(logger: TestDatabase.logger)
        #expect(first == Migration.all.map(\.version))
        let second = try await test.database.migrate(logger: TestDatabase.logger)
        #expect(second.isEmpty)
        let recorded = try await Migrator(pool: test.database.pool, logger: TestDatabase.logger).appliedVersions()
        #expect(recorded == Migration.all.map(\.version))
        let tables = try await test.database.pool.query(
            """
            SELECT count(*) AS n FROM information_schema.tables
            WHERE table_schema = 'public' AND table_name IN ('servers', 'server_metrics', 'filesystems', 'top_users', 'collection_runs', 'run_outcomes', 'alerts')
            """)
        #expect(try tables.first?.require("n", as: Int.self) == 7)
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        let test = try await TestDatabase.make(migrate: false)
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let pool = ConnectionPool(configuration: DatabaseConfiguration(connectionString: test.url), logger: TestDatabase.logger)
                    return try await Migrator(pool: pool, logger: TestDatabase.logger).migrate()
                }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        #expect(results.flatMap { $0 }.sorted() == Migration.all.map(\.version))
        let rows = try await test.database.pool.query("SELECT count(*) AS n FROM schema_migrations")
        #expect(try rows.first?.require("n", as: Int.self) == Migration.all.count)
    }

    @Test func everyMigrationFileIsShippedInOrder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/DashboardStorage/Migrations").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == Migration.all.map(\.name))
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        let package = try String(contentsOf: folder.appendingPathComponent("../../../Package.swift").standardized, encoding: .utf8)
        for file in files {
            #expect(package.contains("\"Migrations/\(file)\""), "Package.swift must embed \(file)")
        }
        for migration in Migration.all {
            let onDisk = try String(contentsOf: folder.appendingPathComponent(migration.name), encoding: .utf8)
            #expect(onDisk == migration.sql)
        }
    }

    @Test func failingMigrationRollsBackAndSaysWhich() async throws {
        let test = try await TestDatabase.make(migrate: true)
        let broken = Migration.all + [Migration(version: 999, name: "0999_broken.sql", sql: "CREATE TABLE half_done (id int); SELECT no_such_function();")]
        await #expect {
            try await Migrator(pool: test.database.pool, migrations: broken, logger: TestDatabase.logger).migrate()
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.kind == .migration && error.message.contains("0999_broken.sql") && error.message.contains("no_such_function")
        }
        let leftover = try await test.database.pool.query("SELECT to_regclass('half_done') IS NULL AS gone")
        #expect(try leftover.first?.require("gone", as: Bool.self) == true)
        let recorded = try await Migrator(pool: test.database.pool, logger: TestDatabase.logger).appliedVersions()
        #expect(!recorded.contains(999))
    }
}

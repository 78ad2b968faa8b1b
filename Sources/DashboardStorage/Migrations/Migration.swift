import DashboardCore

/// One numbered schema change, shipped inside the binary.
public struct Migration: Sendable, Equatable {
    /// The number that orders migrations (`0001_initial.sql` → 1).
    public var version: Int
    /// The file name it came from.
    public var name: String
    /// The SQL, which may hold several statements.
    public var sql: String

    /// Every migration, in order. Each file in `Migrations/` must appear here and in
    /// `Package.swift`; a test checks the three agree.
    public static let all: [Migration] = [
        Migration(version: 1, name: "0001_initial.sql", bytes: PackageResources._001_initial_sql),
        Migration(version: 2, name: "0002_change_notifications_and_hourly_rollup.sql", bytes: PackageResources._002_change_notifications_and_hourly_rollup_sql),
        Migration(
            version: 3, name: "0003_alert_rules_silences_notifications.sql", bytes: PackageResources._003_alert_rules_silences_notifications_sql),
        Migration(version: 4, name: "0004_cpu_time_and_disk_io.sql", bytes: PackageResources._004_cpu_time_and_disk_io_sql),
        Migration(version: 5, name: "0005_cleanup_runs.sql", bytes: PackageResources._005_cleanup_runs_sql),
        Migration(version: 6, name: "0006_anomaly_scores.sql", bytes: PackageResources._006_anomaly_scores_sql),
        Migration(version: 7, name: "0007_live_events.sql", bytes: PackageResources._007_live_events_sql),
        Migration(version: 8, name: "0008_deeper_monitoring.sql", bytes: PackageResources._008_deeper_monitoring_sql),
    ]

    init(version: Int, name: String, bytes: [UInt8]) {
        self.init(version: version, name: name, sql: String(decoding: bytes, as: UTF8.self))
    }

    /// Creates a migration from SQL text.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// A stable fingerprint of the SQL to notice edited migrations.
    public var checksum: String { String(StableHash.fnv1a(sql), radix: 16) }
}

import DashboardCore
import Foundation
import RemoteExec

/// Everything a collection run is configured by (docs/configuration.md), read once at start.
struct CollectorSettings: Sendable {
    /// Servers probed at once (`COLLECT_CONCURRENCY`, 32).
    var concurrency: Int
    /// TCP connect limit (`CONNECT_TIMEOUT_SECONDS`, 10).
    var connectTimeout: Duration
    /// Limit on one whole probe, handshake to last byte (`PROBE_TIMEOUT_SECONDS`, 30).
    var probeTimeout: Duration
    /// Tries per server for transient failures (`COLLECT_ATTEMPTS`, 3).
    var attempts: Int
    /// Wait before the second attempt; doubles for each further one.
    var retryBackoff: Duration
    var knownHostsFile: String
    var hostKeyPolicy: HostKeyPolicy
    /// `COLLECTION_INTERVAL_MINUTES` (15): the schedule, and "offline" after twice this.
    var collectionInterval: TimeInterval
    /// `RETENTION_DAYS` (90) and `TOP_USERS_RETENTION_DAYS` (7).
    var retentionDays: Int
    var topUsersRetentionDays: Int
    var thresholds: Thresholds
    /// Where results that could not be stored wait for the next run (`SPOOL_DIR`,
    /// `~/.local/state/server-dashboard/spool`; `make run` uses `.run/spool`, the
    /// containers `/var/lib/server-dashboard/spool` on a volume).
    var spoolDirectory: String
    /// The most the spool may hold, in bytes (`SPOOL_MAX_MB`, 256): beyond it new results are dropped, loudly.
    var spoolMaximumBytes: Int
    /// Debounce, notification channels and delivery rules.
    var notifications: NotificationSettings
    /// Anomaly scoring and the `anomaly` alert (`ANOMALY_*`).
    var anomaly: AnomalySettings

    /// Reads the settings; the first bad value is reported by its key.
    init(environment: [String: String]) throws(ConfigurationError) {
        let values = EnvironmentValues(environment)
        concurrency = try values.integer("COLLECT_CONCURRENCY", default: 32, in: 1...1024)
        connectTimeout = .seconds(try values.seconds("CONNECT_TIMEOUT_SECONDS", default: 10, in: 0.1...600))
        probeTimeout = .seconds(try values.seconds("PROBE_TIMEOUT_SECONDS", default: 30, in: 0.5...3600))
        attempts = try values.integer("COLLECT_ATTEMPTS", default: 3, in: 1...10)
        retryBackoff = .milliseconds(try values.integer("COLLECT_RETRY_BACKOFF_MS", default: 1000, in: 0...60_000))
        knownHostsFile = SSHConnectionSettings.expandingTilde(in: values.string("KNOWN_HOSTS_FILE") ?? "~/.ssh/known_hosts")
        let policy = try values.choice("HOST_KEY_POLICY", default: "strict", among: HostKeyPolicy.allCases.map(\.rawValue))
        hostKeyPolicy = HostKeyPolicy(rawValue: policy) ?? .strict
        collectionInterval = Double(try values.integer("COLLECTION_INTERVAL_MINUTES", default: 15, in: 1...1440)) * 60
        retentionDays = try values.integer("RETENTION_DAYS", default: 90, in: 1...36_500)
        topUsersRetentionDays = try values.integer("TOP_USERS_RETENTION_DAYS", default: 7, in: 1...36_500)
        thresholds = try Thresholds(environment: environment)
        spoolDirectory = SSHConnectionSettings.expandingTilde(in: values.string("SPOOL_DIR") ?? "~/.local/state/server-dashboard/spool")
        spoolMaximumBytes = try values.integer("SPOOL_MAX_MB", default: 256, in: 1...1_048_576) << 20
        notifications = try NotificationSettings(environment: environment)
        anomaly = try AnomalySettings(environment: environment)
    }

    /// The SSH settings derived from these.
    var ssh: SSHConnectionSettings {
        SSHConnectionSettings(connectTimeout: connectTimeout, probeTimeout: probeTimeout, knownHostsFile: knownHostsFile, hostKeyPolicy: hostKeyPolicy)
    }
}

extension MetricID {
    /// Logged-in sessions.
    public static let loggedUsers = MetricID("logged_users")
    /// Established TCP connections, IPv4 and IPv6.
    public static let tcpConnections = MetricID("tcp_connections")
    /// Number of processes.
    public static let processCount = MetricID("process_count")
    /// Seconds since boot.
    public static let uptimeSeconds = MetricID("uptime_seconds")
}

extension MetricCatalogue {
    /// Sessions, connections, processes, uptime.
    static let system: [MetricDescriptor] = [
        MetricDescriptor(
            .loggedUsers, label: "Logged-in users", help: "Logged-in user sessions.", unit: .count, rollupPrefix: "users",
            prometheus: .gauge("logged_users")),
        MetricDescriptor(
            .tcpConnections, label: "TCP connections", help: "Established TCP connections (IPv4 and IPv6).", unit: .count, rollupPrefix: "tcp",
            prometheus: .gauge("tcp_connections"), anomaly: true),
        MetricDescriptor(
            .processCount, label: "Processes", help: "Number of processes.", unit: .count, rollupPrefix: "processes", prometheus: .gauge("processes"),
            anomaly: true),
        MetricDescriptor(
            .uptimeSeconds, label: "Uptime", help: "Seconds since the server booted.", unit: .seconds, inHistory: false,
            prometheus: .gauge("uptime_seconds")),
    ]
}

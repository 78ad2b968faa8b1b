import FoundationEssentials

/// The spool's form of a sample: the figures under their catalogue keys in `figures`.
///
/// Spool files written before the catalogue held each figure under its Swift property name
/// (`load1`, `cpuPercent`, …) at the top level; those are still read, so samples spooled by an
/// older collector are not lost in an upgrade.
extension MetricSample: Codable {
    private enum CodingKeys: String, CodingKey {
        case collectedAt, figures, filesystems, osName, kernel, hostname, users, topProcesses, containers, failedUnits
    }

    /// Top-level keys of the spool form before the catalogue, and the figures they held.
    private static let legacyKeys: [(key: String, id: MetricID)] = [
        ("load1", .load1), ("load5", .load5), ("load15", .load15), ("cpuPercent", .cpuPercent), ("cpuCores", .cpuCores),
        ("memoryTotalBytes", .memoryTotalBytes), ("memoryAvailableBytes", .memoryAvailableBytes),
        ("swapTotalBytes", .swapTotalBytes), ("swapFreeBytes", .swapFreeBytes), ("loggedUsers", .loggedUsers),
        ("tcpConnections", .tcpConnections), ("networkReceiveBytes", .networkReceiveBytes),
        ("networkTransmitBytes", .networkTransmitBytes), ("uptimeSeconds", .uptimeSeconds), ("processCount", .processCount),
    ]

    /// Reads the spool form, current or from before the catalogue. Keys the catalogue does not
    /// know (a figure a newer collector wrote) are kept, so they reach the database if it knows them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            collectedAt: try container.decode(Date.self, forKey: .collectedAt),
            filesystems: try container.decodeIfPresent([FilesystemUsage].self, forKey: .filesystems) ?? [],
            osName: try container.decodeIfPresent(String.self, forKey: .osName),
            kernel: try container.decodeIfPresent(String.self, forKey: .kernel),
            hostname: try container.decodeIfPresent(String.self, forKey: .hostname),
            users: try container.decodeIfPresent([UserActivity].self, forKey: .users) ?? [],
            topProcesses: try container.decodeIfPresent([TopProcess].self, forKey: .topProcesses),
            containers: try container.decodeIfPresent([ContainerInfo].self, forKey: .containers),
            failedUnits: try container.decodeIfPresent([String].self, forKey: .failedUnits)
        )
        if container.contains(.figures) {
            let figures = try container.nestedContainer(keyedBy: FigureKey.self, forKey: .figures)
            for key in figures.allKeys {
                self[MetricID(key.stringValue)] = try figures.decodeIfPresent(Double.self, forKey: key)
            }
        } else {
            let legacy = try decoder.container(keyedBy: FigureKey.self)
            for (key, id) in Self.legacyKeys {
                self[id] = try legacy.decodeIfPresent(Double.self, forKey: FigureKey(stringValue: key))
            }
        }
    }

    /// Writes the spool form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(collectedAt, forKey: .collectedAt)
        var figures = container.nestedContainer(keyedBy: FigureKey.self, forKey: .figures)
        for (id, value) in self.figures.entries {
            try figures.encode(value, forKey: FigureKey(stringValue: id.key))
        }
        try container.encode(filesystems, forKey: .filesystems)
        try container.encodeIfPresent(osName, forKey: .osName)
        try container.encodeIfPresent(kernel, forKey: .kernel)
        try container.encodeIfPresent(hostname, forKey: .hostname)
        try container.encode(users, forKey: .users)
        try container.encodeIfPresent(topProcesses, forKey: .topProcesses)
        try container.encodeIfPresent(containers, forKey: .containers)
        try container.encodeIfPresent(failedUnits, forKey: .failedUnits)
    }
}

import DashboardCore
import FoundationEssentials

/// A sample just stored, with what its server looked like before it: what the collector
/// compares to notice change events (docs/collector.md, "Change events").
public struct StoredSample: Sendable, Equatable {
    /// The server's latest sample before this one was stored, and the OS facts stored with it.
    public struct Previous: Sendable, Equatable {
        /// When that sample was collected.
        public var collectedAt: Date
        /// Its uptime in seconds, when the probe read it.
        public var uptimeSeconds: Double?
        /// The server's operating system description as stored before this sample.
        public var osName: String?
        /// The server's kernel release as stored before this sample.
        public var kernel: String?

        /// Creates the description of a previous sample.
        public init(collectedAt: Date, uptimeSeconds: Double?, osName: String?, kernel: String?) {
            self.collectedAt = collectedAt
            self.uptimeSeconds = uptimeSeconds
            self.osName = osName
            self.kernel = kernel
        }
    }

    /// The new sample's id.
    public var id: Int64
    /// The server's latest sample before this one; `nil` for the server's first sample.
    public var previous: Previous?
    /// User names of this sample never recorded for the server before (`known_users`), sorted.
    public var newUsers: [String]

    /// Creates a stored-sample description.
    public init(id: Int64, previous: Previous?, newUsers: [String]) {
        self.id = id
        self.previous = previous
        self.newUsers = newUsers
    }
}

// Storage bounds every host-supplied list again, whatever the parser kept: a spooled sample
// written by another collector version, or a bug upstream, must not store unbounded rows.
extension StoredSample {
    /// At most `TopProcess.maximumCount` processes, their text cleaned and cut to the model's limits.
    static func bounded(_ processes: [TopProcess]) -> [TopProcess] {
        processes.prefix(TopProcess.maximumCount).map { process in
            var process = process
            process.user = HostText.clean(process.user, maximumBytes: TopProcess.maximumUserBytes).text
            process.command = HostText.clean(process.command, maximumBytes: TopProcess.maximumCommandBytes).text
            process.pid = min(max(process.pid, 0), Int(Int32.max))
            // The columns are NOT NULL, and a non-finite number binds as NULL: it would lose the sample.
            if !process.cpuPercent.isFinite { process.cpuPercent = 0 }
            if !process.memoryPercent.isFinite { process.memoryPercent = 0 }
            return process
        }
    }

    /// At most `ContainerInfo.maximumCount` containers, their text cleaned and cut, unknown states as `unknown`.
    static func bounded(_ containers: [ContainerInfo]) -> [ContainerInfo] {
        containers.prefix(ContainerInfo.maximumCount).map { container in
            var container = container
            let limit = ContainerInfo.maximumTextBytes
            container.name = HostText.clean(container.name, maximumBytes: limit).text
            container.image = HostText.clean(container.image, maximumBytes: limit).text
            container.status = container.status.map { HostText.clean($0, maximumBytes: limit).text }
            if !ContainerInfo.states.contains(container.state) { container.state = "unknown" }
            container.exitCode = container.exitCode.map { min(max($0, Int(Int32.min)), Int(Int32.max)) }
            container.restartCount = container.restartCount.map { min(max($0, 0), Int(Int32.max)) }
            return container
        }
    }

    /// At most `MetricSample.maximumFailedUnits` unit names, each cleaned and cut.
    static func bounded(failedUnits: [String]) -> [String] {
        failedUnits.prefix(MetricSample.maximumFailedUnits).map { HostText.clean($0, maximumBytes: MetricSample.maximumUnitNameBytes).text }
    }
}

import DashboardCore
import Foundation

/// What must hold for every report, whatever the input (the promises of `docs/probe-format.md`).
enum ProbeFuzzCheck {
    static let collectedAt = Date(timeIntervalSince1970: 1_764_084_313)

    /// The first broken promise in `report`, or `nil`.
    static func violation(in report: ProbeReport) -> String? {
        let sample = report.sample
        if sample.collectedAt != collectedAt { return "collectedAt changed" }
        for (name, value) in [("load1", sample.load1), ("load5", sample.load5), ("load15", sample.load15), ("uptime", sample.uptimeSeconds)] {
            if let value, !(value.isFinite && value >= 0) { return "\(name) = \(value)" }
        }
        if let cpu = sample.cpuPercent, !(cpu >= 0 && cpu <= 100) { return "cpuPercent = \(cpu)" }
        if let cores = sample.cpuCores, cores < 1 { return "cpuCores = \(cores)" }
        for (name, value) in [("loggedUsers", sample.loggedUsers), ("tcpConnections", sample.tcpConnections), ("processCount", sample.processCount)] {
            if let value, value < 0 { return "\(name) = \(value)" }
        }
        let bytes = [
            sample.memoryTotalBytes, sample.memoryAvailableBytes, sample.swapTotalBytes, sample.swapFreeBytes, sample.networkReceiveBytes,
            sample.networkTransmitBytes,
        ]
        if bytes.contains(where: { ($0 ?? 0) < 0 }) { return "negative byte figure in \(bytes)" }
        if let ram = sample.ramPercent, !(ram.isFinite && ram >= 0) { return "ramPercent = \(ram)" }
        if sample.filesystems.count > ProbeParser.maximumFilesystems { return "\(sample.filesystems.count) filesystems" }
        if Set(sample.filesystems.map(\.mountPoint)).count != sample.filesystems.count { return "a mount point listed twice" }
        for filesystem in sample.filesystems {
            if filesystem.sizeBytes < 0 || filesystem.usedBytes < 0 || filesystem.availableBytes < 0 { return "negative filesystem \(filesystem)" }
            if let percent = filesystem.usedPercent, !(percent.isFinite && percent >= 0 && percent <= 100) { return "usedPercent \(percent)" }
            for text in [filesystem.mountPoint, filesystem.device, filesystem.fsType ?? ""] where !isClean(text) {
                return "unclean filesystem text \(text.debugDescription)"
            }
        }
        if sample.users.count > ProbeParser.maximumUsers { return "\(sample.users.count) users" }
        for user in sample.users {
            if !(user.cpuPercent.isFinite && user.cpuPercent >= 0 && user.memoryPercent.isFinite && user.memoryPercent >= 0) { return "user figures \(user)" }
            if user.processCount < 0 || (user.homeBytes ?? 0) < 0 { return "user counts \(user)" }
            if user.username.isEmpty || !isClean(user.username) || !isClean(user.topProcess ?? "") { return "unclean user \(user)" }
        }
        for (earlier, later) in zip(sample.users, sample.users.dropFirst()) where earlier.cpuPercent < later.cpuPercent {
            return "users not sorted by CPU: \(earlier.cpuPercent) before \(later.cpuPercent)"
        }
        for text in [sample.osName, sample.kernel, sample.hostname] where !isClean(text ?? "") {
            return "unclean text \(String(describing: text).debugDescription)"
        }
        // Bounded: at most 20 per section plus one summary, for 14 sections.
        if report.problems.count > 14 * (ProbeParser.maximumProblemsPerSection + 1) { return "\(report.problems.count) problems" }
        for problem in report.problems {
            if problem.message.isEmpty || !isClean(problem.message, maximumBytes: 1024) || !isClean(problem.section) {
                return "bad problem \(problem.description.debugDescription)"
            }
        }
        return nil
    }

    /// No control, bidi or non-character scalars, and at most `maximumBytes` of UTF-8.
    static func isClean(_ text: String, maximumBytes: Int = HostText.defaultMaximumBytes) -> Bool {
        text.utf8.count <= maximumBytes && !text.unicodeScalars.contains(where: HostText.isUnsafe)
    }
}

import DashboardCore
import Foundation

/// What must hold for every probe report, whatever bytes it was parsed from: the promises of
/// `docs/probe-format.md` (figures finite, non-negative and bounded; lists bounded, unique and
/// sorted; host text clean and short; problems bounded).
///
/// The oracle of the probe parser's mutation tests and of its fuzz target, kept in one place
/// so both check the same promises. Its text check reads UTF-8 bytes on its own rather than
/// trusting `HostText`, the code it checks.
public enum ProbeInvariants {
    /// The first broken promise in `report`, or `nil`.
    public static func violation(in report: ProbeReport, collectedAt: Date? = nil) -> String? {
        let sample = report.sample
        if let collectedAt, sample.collectedAt != collectedAt { return "collectedAt changed" }
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
        let split = [sample[.cpuUserPercent], sample[.cpuSystemPercent], sample[.cpuIowaitPercent], sample[.cpuStealPercent]]
        if split.contains(where: { $0.map { !($0 >= 0 && $0 <= 100) } ?? false }) { return "CPU time split \(split)" }
        // cpu_percent is user + system + steal, so none of those three passes it.
        let busy = [sample[.cpuUserPercent], sample[.cpuSystemPercent], sample[.cpuStealPercent]].compactMap { $0 }
        if let cpu = sample.cpuPercent, busy.contains(where: { $0 > cpu + 1e-9 }) { return "CPU split \(split) above cpuPercent \(cpu)" }
        let rates = [sample[.diskReadBytesPerSecond], sample[.diskWriteBytesPerSecond]]
        if rates.contains(where: { $0.map { !($0.isFinite && $0 >= 0) } ?? false }) { return "disk rates \(rates)" }
        if let failure = deeperViolation(in: sample) { return failure }
        if report.problems.count > ProbeParser.maximumProblems { return "\(report.problems.count) problems" }
        for problem in report.problems {
            if problem.message.isEmpty || !isClean(problem.message, maximumBytes: 1024) || !isClean(problem.section) {
                return "bad problem \(problem.description.debugDescription)"
            }
        }
        return nil
    }

    /// The first thing wrong with the deeper sections' results (docs/probe-format.md, "Deeper
    /// sections"): bounded, clean, finite and non-negative, sorted, states from the known set.
    public static func deeperViolation(in sample: MetricSample) -> String? {
        for filesystem in sample.filesystems {
            if (filesystem.inodesTotal ?? 0) < 0 || (filesystem.inodesUsed ?? 0) < 0 { return "negative inodes \(filesystem)" }
            if let percent = filesystem.inodesPercent, !(percent >= 0 && percent <= 100) { return "inode use \(percent)" }
        }
        if let inodes = MetricCatalogue.descriptor(.inodesPercent)?.value(in: sample), !(inodes >= 0 && inodes <= 100) { return "inode figure \(inodes)" }
        if let celsius = sample[.temperatureCelsius], !(celsius > 0 && celsius < 127) { return "temperature \(celsius)" }
        if let top = sample.topProcesses {
            if top.count > TopProcess.maximumCount { return "\(top.count) top processes" }
            if Set(top.map(\.pid)).count != top.count { return "a pid listed twice" }
            for process in top {
                if process.pid < 0 || !(process.cpuPercent.isFinite && process.cpuPercent >= 0)
                    || !(process.memoryPercent.isFinite && process.memoryPercent >= 0)
                {
                    return "top process figures \(process)"
                }
                if process.command.isEmpty || process.user.isEmpty || !isClean(process.command, maximumBytes: TopProcess.maximumCommandBytes)
                    || !isClean(process.user, maximumBytes: TopProcess.maximumUserBytes)
                {
                    return "unclean top process \(process)"
                }
            }
            for (earlier, later) in zip(top, top.dropFirst()) where earlier.cpuPercent < later.cpuPercent {
                return "top processes not sorted by CPU: \(earlier.cpuPercent) before \(later.cpuPercent)"
            }
        }
        if let units = sample.failedUnits {
            if units.count > MetricSample.maximumFailedUnits { return "\(units.count) failed units" }
            if let unit = units.first(where: { $0.isEmpty || !isClean($0, maximumBytes: MetricSample.maximumUnitNameBytes) }) {
                return "unclean unit \(unit.debugDescription)"
            }
        }
        if let containers = sample.containers {
            if containers.count > ContainerInfo.maximumCount { return "\(containers.count) containers" }
            if Set(containers.map(\.name)).count != containers.count { return "a container listed twice" }
            for container in containers {
                if !ContainerInfo.states.contains(container.state) { return "container state \(container.state)" }
                if (container.restartCount ?? 0) < 0 || (container.memoryBytes ?? 0) < 0 { return "container counts \(container)" }
                if let cpu = container.cpuPercent, !(cpu.isFinite && cpu >= 0) { return "container cpu \(cpu)" }
                for text in [container.name, container.image, container.status ?? ""]
                where !isClean(text, maximumBytes: ContainerInfo.maximumTextBytes) {
                    return "unclean container text \(text.debugDescription)"
                }
            }
        }
        return nil
    }

    /// No control or bidi characters, and at most `maximumBytes` of UTF-8.
    ///
    /// Checked on the UTF-8 bytes, independently of `HostText`: C0 and DEL are single bytes;
    /// C1 controls are C2 80–9F; LRM/RLM E2 80 8E–8F; the embeddings and overrides E2 80 AA–AE;
    /// the isolates E2 81 A6–A9; ALM D8 9C; the non-characters U+FFFE/FFFF EF BF BE–BF.
    public static func isClean(_ text: String, maximumBytes: Int = HostText.defaultMaximumBytes) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard utf8.count <= maximumBytes else { return false }
            guard let base = utf8.baseAddress else { return true }
            var index = 0
            while index < utf8.count {
                let byte = base[index]
                if byte < 0x20 || byte == 0x7F { return false }
                if byte >= 0x80 {
                    let next = index + 1 < utf8.count ? base[index + 1] : 0
                    let third = index + 2 < utf8.count ? base[index + 2] : 0
                    switch byte {
                    case 0xC2 where next >= 0x80 && next <= 0x9F: return false
                    case 0xD8 where next == 0x9C: return false
                    case 0xE2 where next == 0x80 && ((third >= 0x8E && third <= 0x8F) || (third >= 0xAA && third <= 0xAE)): return false
                    case 0xE2 where next == 0x81 && third >= 0xA6 && third <= 0xA9: return false
                    case 0xEF where next == 0xBF && (third == 0xBE || third == 0xBF): return false
                    default: break
                    }
                }
                index += 1
            }
            return true
        }
    }
}

extension ProbeParser.Context {
    // MARK: - topprocs

    /// `topprocs`: up to ten `pid<TAB>user<TAB>cpu<TAB>mem<TAB>command` rows, busiest first (the
    /// command is everything after the fourth tab). The `TopProcess.maximumCount` busiest rows are
    /// kept whatever order they came in (the section's line limit bounds the work), sorted by CPU,
    /// names and commands cleaned and bounded. A section holding only an `error=` line leaves
    /// `topProcesses` `nil`.
    func readTopProcesses(_ body: Span) {
        var cursor = body.start
        var processes: [TopProcess] = []
        var pids: Set<Int> = []
        var rows = 0
        while let line = nextLine(&cursor, in: body, section: .topprocs) {
            if value(of: line, key: "args") != nil { continue }
            let fields = tabFields(line, limit: 5)
            guard fields.count == 5 else {
                log.add(.topprocs, "expected pid<TAB>user<TAB>cpu<TAB>mem<TAB>command, got \(excerpt(line))")
                continue
            }
            rows += 1
            let pid: Int
            let cpu: Double
            let memory: Double
            do {
                pid = try count(trimmed(fields[0]))
                cpu = try decimal(trimmed(fields[2]))
                memory = try decimal(trimmed(fields[3]))
            } catch {
                log.add(.topprocs, "a figure \(error.reason): \(excerpt(line))")
                continue
            }
            guard !pids.contains(pid) else {
                log.add(.topprocs, "a second row for process \(pid) was ignored")
                continue
            }
            pids.insert(pid)
            let user = bounded(fields[1], maximumBytes: TopProcess.maximumUserBytes, what: "a process owner")
            var command = bounded(fields[4], maximumBytes: TopProcess.maximumCommandBytes, what: "a command line")
            if command.isEmpty { command = "?" }
            processes.append(TopProcess(pid: pid, user: user.isEmpty ? "?" : user, command: command, cpuPercent: cpu, memoryPercent: memory))
        }
        if rows > TopProcess.maximumCount {
            log.add(.topprocs, "more than \(TopProcess.maximumCount) processes; \(rows - TopProcess.maximumCount) more were dropped")
        }
        if processes.isEmpty, hasErrorLine(body) { return }
        processes.sort { lhs, rhs in
            if lhs.cpuPercent != rhs.cpuPercent { return lhs.cpuPercent > rhs.cpuPercent }
            if lhs.memoryPercent != rhs.memoryPercent { return lhs.memoryPercent > rhs.memoryPercent }
            return lhs.pid < rhs.pid
        }
        sample.topProcesses = Array(processes.prefix(TopProcess.maximumCount))
    }

    /// Host text from `span`, cleaned and cut to `maximumBytes` (a cut is expected, so not reported;
    /// removed control characters are).
    func bounded(_ span: Span, maximumBytes: Int, what: @autoclosure () -> String) -> String {
        let cleaned = cleanedText(trimmed(span), maximumBytes: maximumBytes)
        if cleaned.altered {
            log.add(.topprocs, "\(what()) had control characters, bidi controls or invalid UTF-8 removed: \(quoted(cleaned.text))")
        }
        return cleaned.text
    }

    /// Whether a line of `body` starts with `error=` (the probe could not read the source).
    func hasErrorLine(_ body: Span) -> Bool {
        var start = body.start
        while start < body.end {
            let end = indexOf(0x0A, from: start, before: body.end) ?? body.end
            if hasPrefix(Span(start: start, end: end), "error=") { return true }
            start = end + 1
        }
        return false
    }

    /// Whether a line of `body` starts with `absent=` (the host lacks the source).
    func hasAbsentLine(_ body: Span) -> Bool {
        var start = body.start
        while start < body.end {
            let end = indexOf(0x0A, from: start, before: body.end) ?? body.end
            if hasPrefix(Span(start: start, end: end), "absent=") { return true }
            start = end + 1
        }
        return false
    }
}

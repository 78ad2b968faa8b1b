extension ProbeParser.Context {
    /// `cpu`: `cores=N`, then the aggregate `cpu` line of /proc/stat twice, about 0.5 s apart.
    ///
    /// Columns are user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
    /// kernels before 2.6.11 print fewer. Guest time is already counted in user and nice, so
    /// the total is the sum of the first eight columns present, and idle is idle + iowait.
    /// A column that went backwards between the samples (iowait does on some kernels)
    /// counts as zero, as procps does.
    func readCPU(_ body: Span) {
        var cursor = body.start
        var samples: [[Int64]] = []
        var coresSeen = false
        var extraSamples = 0
        while let line = nextLine(&cursor, in: body, section: .cpu) {
            if let value = value(of: line, key: "cores") {
                if coresSeen {
                    log.add(.cpu, "cores= appeared again; the first one counts")
                    continue
                }
                coresSeen = true
                do {
                    let cores = try count(trimmed(value))
                    if cores >= 1 {
                        sample.cpuCores = cores
                    } else {
                        log.add(.cpu, "the core count is 0")
                    }
                } catch {
                    log.add(.cpu, "the core count \(error.reason): \(excerpt(value))")
                }
                continue
            }
            var fieldCursor = line.start
            guard let label = nextField(&fieldCursor, before: line.end) else { continue }
            if !equals(label, "cpu") {
                // Per-core lines (cpu0, cpu1, …) are not needed; anything else is unexpected.
                if !(hasPrefix(label, "cpu") && label.count > 3 && Self.isDigit(bytes[label.start + 3])) {
                    log.add(.cpu, "unexpected line: \(excerpt(line))")
                }
                continue
            }
            if samples.count == 2 {
                extraSamples += 1
                continue
            }
            var columns: [Int64] = []
            var readable = true
            while columns.count < 10, let field = nextField(&fieldCursor, before: line.end) {
                do {
                    columns.append(try integer(field))
                } catch {
                    log.add(.cpu, "a /proc/stat column \(error.reason): \(excerpt(field))")
                    readable = false
                    break
                }
            }
            guard readable else { continue }
            guard columns.count >= 4 else {
                log.add(.cpu, "a /proc/stat line has \(columns.count) columns, at least 4 are needed: \(excerpt(line))")
                continue
            }
            samples.append(columns)
        }
        if !coresSeen {
            log.add(.cpu, "no cores= line")
        }
        if extraSamples > 0 {
            log.add(.cpu, "\(extraSamples) cpu line(s) after the first two were ignored")
        }
        guard samples.count == 2 else {
            log.add(.cpu, "utilisation needs two readable cpu lines, found \(samples.count)")
            return
        }
        sample.cpuPercent = utilisation(samples[0], samples[1])
    }

    /// CPU % between two samples, or `nil` (reported) when it cannot be worked out.
    private func utilisation(_ first: [Int64], _ second: [Int64]) -> Double? {
        guard first.count == second.count else {
            log.add(.cpu, "the two cpu lines have different numbers of columns (\(first.count) and \(second.count))")
            return nil
        }
        var total: Int64 = 0
        var idle: Int64 = 0
        for column in 0..<min(first.count, 8) {
            // Both are in 0...Int64.max, so the difference cannot overflow.
            let delta = max(0, second[column] - first[column])
            let (sum, overflow) = total.addingReportingOverflow(delta)
            if overflow {
                log.add(.cpu, "the cpu counters are too large to add up")
                return nil
            }
            total = sum
            if column == 3 || column == 4 { idle += delta }
        }
        guard total > 0 else {
            log.add(.cpu, "no CPU time passed between the two cpu lines")
            return nil
        }
        return min(100, max(0, Double(total - idle) / Double(total) * 100))
    }
}

extension ProbeParser.Context {
    /// `cpu`: `cores=N`, then the aggregate `cpu` line of /proc/stat twice, about 0.5 s apart.
    ///
    /// Columns are user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
    /// kernels before 2.6.11 print fewer. Guest time is already counted in user and nice, so
    /// the total is the sum of the first eight columns present, and idle is idle + iowait.
    /// A column that went backwards between the samples (iowait does on some kernels)
    /// counts as zero, as procps does. The same deltas give the split of CPU time
    /// (docs/probe-format.md, "CPU time split").
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
        guard let deltas = timeDeltas(samples[0], samples[1]) else { return }
        let total = deltas.total
        sample.cpuPercent = min(100, max(0, Double(total - deltas.idle) / Double(total) * 100))
        // The split: a figure whose columns this kernel does not print stays nil.
        sample[.cpuUserPercent] = share(of: [0, 1], in: deltas)
        sample[.cpuSystemPercent] = share(of: [2, 5, 6], in: deltas)
        sample[.cpuIowaitPercent] = share(of: [4], in: deltas)
        sample[.cpuStealPercent] = share(of: [7], in: deltas)
    }

    /// The CPU time that passed between the two `/proc/stat` samples.
    struct CPUTimeDeltas {
        /// Ticks per column, for the first eight columns the kernel prints (user … steal).
        var columns: [Int64]
        /// Their sum, more than 0.
        var total: Int64
        /// idle + iowait.
        var idle: Int64
    }

    /// The time that passed in each of the first eight columns between two samples, their
    /// total and idle + iowait; `nil` (reported) when CPU use cannot be worked out.
    private func timeDeltas(_ first: [Int64], _ second: [Int64]) -> CPUTimeDeltas? {
        guard first.count == second.count else {
            log.add(.cpu, "the two cpu lines have different numbers of columns (\(first.count) and \(second.count))")
            return nil
        }
        var columns: [Int64] = []
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
            columns.append(delta)
            if column == 3 || column == 4 { idle += delta }
        }
        guard total > 0 else {
            log.add(.cpu, "no CPU time passed between the two cpu lines")
            return nil
        }
        return CPUTimeDeltas(columns: columns, total: total, idle: idle)
    }

    /// The share in percent of the total that `columns` took, or `nil` when the kernel does not
    /// print one of them. Their sum is part of the total, so it neither overflows nor passes 100.
    private func share(of columns: [Int], in deltas: CPUTimeDeltas) -> Double? {
        var part: Int64 = 0
        for column in columns {
            guard column < deltas.columns.count else { return nil }
            part += deltas.columns[column]
        }
        // part × 100 / total rather than part / total × 100: whole percentages come out exact.
        return min(100, Double(part) * 100 / Double(deltas.total))
    }
}

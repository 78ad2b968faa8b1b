extension ProbeParser.Context {
    /// The /proc/meminfo figures the sample needs, in bytes.
    private struct MemoryFigures {
        var total: Int64?
        var free: Int64?
        var available: Int64?
        var buffers: Int64?
        var cached: Int64?
        var swapTotal: Int64?
        var swapFree: Int64?
    }

    /// `memory`: raw /proc/meminfo lines such as `MemTotal:       16318252 kB`.
    ///
    /// Without `MemAvailable` (kernels before 3.14) available memory is MemFree + Buffers + Cached.
    func readMemory(_ body: Span) {
        var cursor = body.start
        var figures = MemoryFigures()
        while let line = nextLine(&cursor, in: body, section: .memory) {
            guard let colon = indexOf(0x3A /* : */, from: line.start, before: line.end) else {
                log.add(.memory, "expected \"Key: N kB\", got \(excerpt(line))")
                continue
            }
            // Seven keys of some fifty matter; the first letter rules out most lines cheaply.
            let first = base[line.start]
            guard first == 0x4D || first == 0x42 || first == 0x43 || first == 0x53 else { continue }
            let key = Span(start: line.start, end: colon)
            let rest = Span(start: colon + 1, end: line.end)
            switch first {
            case 0x4D /* M */:
                if equals(key, "MemTotal") {
                    readKilobytes(rest, key: "MemTotal", into: &figures.total)
                } else if equals(key, "MemFree") {
                    readKilobytes(rest, key: "MemFree", into: &figures.free)
                } else if equals(key, "MemAvailable") {
                    readKilobytes(rest, key: "MemAvailable", into: &figures.available)
                }
            case 0x42 /* B */:
                if equals(key, "Buffers") { readKilobytes(rest, key: "Buffers", into: &figures.buffers) }
            case 0x43 /* C */:
                if equals(key, "Cached") { readKilobytes(rest, key: "Cached", into: &figures.cached) }
            case 0x53 /* S */:
                if equals(key, "SwapTotal") {
                    readKilobytes(rest, key: "SwapTotal", into: &figures.swapTotal)
                } else if equals(key, "SwapFree") {
                    readKilobytes(rest, key: "SwapFree", into: &figures.swapFree)
                }
            default:
                break
            }
        }
        if let total = figures.total, total == 0 {
            log.add(.memory, "MemTotal is 0")
            figures.total = nil
        }
        if figures.total == nil {
            log.add(.memory, "no readable MemTotal")
        }
        sample.memoryTotalBytes = figures.total
        sample.memoryAvailableBytes = figures.available ?? fallbackAvailable(figures)
        sample.swapTotalBytes = figures.swapTotal
        sample.swapFreeBytes = figures.swapFree
        if figures.swapTotal == nil || figures.swapFree == nil {
            log.add(.memory, "no readable SwapTotal and SwapFree")
        }
    }

    /// MemFree + Buffers + Cached, for kernels without MemAvailable.
    private func fallbackAvailable(_ figures: MemoryFigures) -> Int64? {
        guard let free = figures.free, let buffers = figures.buffers, let cached = figures.cached else {
            log.add(.memory, "no MemAvailable, and MemFree, Buffers and Cached are not all there to stand in for it")
            return nil
        }
        let (partial, overflow1) = free.addingReportingOverflow(buffers)
        let (sum, overflow2) = partial.addingReportingOverflow(cached)
        guard !overflow1, !overflow2 else {
            log.add(.memory, "MemFree + Buffers + Cached is too large")
            return nil
        }
        return sum
    }

    /// `N kB` after a meminfo key; the first occurrence of a key counts.
    private func readKilobytes(_ rest: Span, key: StaticString, into figure: inout Int64?) {
        guard figure == nil else { return }
        var cursor = rest.start
        guard let number = nextField(&cursor, before: rest.end) else {
            log.add(.memory, "\(key) has no figure")
            return
        }
        guard let unit = nextField(&cursor, before: rest.end), equals(unit, "kB") else {
            log.add(.memory, "\(key) is not in kB: \(excerpt(rest))")
            return
        }
        do {
            figure = try kilobytes(number)
        } catch {
            log.add(.memory, "\(key) \(error.reason): \(excerpt(number))")
        }
    }
}

extension ProbeParser.Context {
    // MARK: - units

    /// `units`: `systemctl list-units --state=failed --no-legend --plain` lines, the unit name first
    /// (a leading `●` or `*` marker is skipped); or one `absent=` line (no systemd). `failedUnits`
    /// is `nil` when absent or unreadable, else the names, at most `MetricSample.maximumFailedUnits`.
    func readUnits(_ body: Span) {
        guard !hasAbsentLine(body) else { return }
        var cursor = body.start
        var names: [String] = []
        var seen: Set<String> = []
        var rows = 0
        while let line = nextLine(&cursor, in: body, section: .units) {
            var fieldCursor = line.start
            guard var name = nextField(&fieldCursor, before: line.end) else { continue }
            if equals(name, "*") || equals(name, "\u{25CF}") {
                guard let next = nextField(&fieldCursor, before: line.end) else { continue }
                name = next
            }
            rows += 1
            guard names.count < MetricSample.maximumFailedUnits else { continue }
            let cleaned = cleanedText(name, maximumBytes: MetricSample.maximumUnitNameBytes)
            if cleaned.altered {
                log.add(.units, "a unit name had control characters, bidi controls or invalid UTF-8 removed: \(quoted(cleaned.text))")
            }
            guard !cleaned.text.isEmpty, seen.insert(cleaned.text).inserted else { continue }
            names.append(cleaned.text)
        }
        if rows > MetricSample.maximumFailedUnits {
            log.add(.units, "more than \(MetricSample.maximumFailedUnits) failed units; \(rows - MetricSample.maximumFailedUnits) more were dropped")
        }
        if names.isEmpty, hasErrorLine(body) { return }
        sample.failedUnits = names
    }
}

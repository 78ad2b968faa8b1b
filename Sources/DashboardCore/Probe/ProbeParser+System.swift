extension ProbeParser.Context {
    /// `os`: `name=`, `id=`, `kernel=`, `hostname=`, `arch=` lines. Unknown keys are skipped.
    func readOS(_ body: Span) {
        var cursor = body.start
        var found = false
        while let line = nextLine(&cursor, in: body, section: .os) {
            if let value = value(of: line, key: "name") {
                guard sample.osName == nil else { continue }
                sample.osName = optionalText(unquoted(trimmed(value)), what: "the OS name")
                found = true
            } else if let value = value(of: line, key: "kernel") {
                guard sample.kernel == nil else { continue }
                sample.kernel = optionalText(trimmed(value), what: "the kernel release")
                found = true
            } else if let value = value(of: line, key: "hostname") {
                guard sample.hostname == nil else { continue }
                sample.hostname = optionalText(trimmed(value), what: "the hostname")
                found = true
            } else if indexOf(0x3D /* = */, from: line.start, before: line.end) == nil {
                log.add(.os, "expected key=value, got \(excerpt(line))")
            }
        }
        if !found {
            log.add(.os, "no name, kernel or hostname")
        }
    }

    /// Cleaned text, or `nil` when nothing is left.
    private func optionalText(_ span: Span, what: String) -> String? {
        guard !span.isEmpty else { return nil }
        let text = text(span, section: .os, what: what)
        return text.isEmpty ? nil : text
    }

    /// `span` without one pair of surrounding `"` or `'` (as `PRETTY_NAME` is written in /etc/os-release).
    private func unquoted(_ span: Span) -> Span {
        guard span.count >= 2 else { return span }
        let first = bytes[span.start]
        guard first == 0x22 || first == 0x27, bytes[span.end - 1] == first else { return span }
        return Span(start: span.start + 1, end: span.end - 1)
    }

    /// `load`: the raw line of /proc/loadavg, `0.52 0.58 0.59 1/345 12345`.
    func readLoad(_ body: Span) {
        var cursor = body.start
        guard let line = nextLine(&cursor, in: body, section: .load) else {
            log.add(.load, "no /proc/loadavg line")
            return
        }
        var fieldCursor = line.start
        sample.load1 = loadAverage(&fieldCursor, in: line, name: "1-minute")
        sample.load5 = loadAverage(&fieldCursor, in: line, name: "5-minute")
        sample.load15 = loadAverage(&fieldCursor, in: line, name: "15-minute")
        reportExtraLines(after: &cursor, in: body, section: .load)
    }

    /// The next figure of the loadavg line.
    private func loadAverage(_ cursor: inout Int, in line: Span, name: StaticString) -> Double? {
        guard let field = nextField(&cursor, before: line.end) else {
            log.add(.load, "the \(name) load average is missing")
            return nil
        }
        do {
            return try decimal(field)
        } catch {
            log.add(.load, "the \(name) load average \(error.reason): \(excerpt(field))")
            return nil
        }
    }

    /// `uptime`: the raw line of /proc/uptime; the first figure is seconds since boot.
    func readUptime(_ body: Span) {
        var cursor = body.start
        guard let line = nextLine(&cursor, in: body, section: .uptime) else {
            log.add(.uptime, "no /proc/uptime line")
            return
        }
        var fieldCursor = line.start
        if let field = nextField(&fieldCursor, before: line.end) {
            do {
                sample.uptimeSeconds = try decimal(field)
            } catch {
                log.add(.uptime, "the uptime \(error.reason): \(excerpt(field))")
            }
        }
        reportExtraLines(after: &cursor, in: body, section: .uptime)
    }

    /// A section holding one `key=N` line (`sessions`, `tcp`, `processes`).
    func readCount(_ body: Span, section: Section, key: StaticString) -> Int? {
        var cursor = body.start
        var result: Int?
        var seen = false
        while let line = nextLine(&cursor, in: body, section: section) {
            guard let value = value(of: line, key: key) else {
                log.add(section, "expected \(key)=N, got \(excerpt(line))")
                continue
            }
            if seen {
                log.add(section, "\(key)= appeared again; the first one counts")
                continue
            }
            seen = true
            do {
                result = try count(trimmed(value))
            } catch {
                log.add(section, "\(key) \(error.reason): \(excerpt(value))")
            }
        }
        if !seen {
            log.add(section, "no \(key)= line")
        }
        return result
    }

    /// Reports lines after the one a single-line section should hold.
    func reportExtraLines(after cursor: inout Int, in body: Span, section: Section) {
        while let line = nextLine(&cursor, in: body, section: section) {
            log.add(section, "unexpected extra line: \(excerpt(line))")
        }
    }
}

import FoundationEssentials
import Glibc

extension ProbeParser {
    /// A half-open range of byte offsets into the output: a line, a field, a value.
    struct Span: Equatable {
        var start: Int
        var end: Int

        var count: Int { end - start }
        var isEmpty: Bool { start >= end }
    }

    /// The state of one parse: the bytes, the sample being filled in and the problems met.
    ///
    /// A class, so the many small helpers never copy the parse state (debug builds would).
    final class Context {
        /// The output, cut to `maximumOutputBytes`; never empty.
        let bytes: UnsafeBufferPointer<UInt8>
        /// `bytes.baseAddress`, for the loops that read byte by byte.
        let base: UnsafePointer<UInt8>
        var sample: MetricSample
        let log = ProblemLog()
        var formatVersion: Int?
        var isComplete = false
        var sawBegin = false
        /// The body of each section, by `Section.rawValue`; `nil` when the section did not appear.
        var bodies: [Span?] = Array(repeating: nil, count: Section.allCases.count)
        /// The `mounts` lines read, for the filesystem types; see `ProbeParser+Filesystems.swift`.
        var mounts: [MountEntry] = []
        /// An open-addressing table of indices into `mounts` (`-1`: empty slot).
        var mountSlots: [Int] = []

        /// Prepares to read `output`, which must not be empty.
        init(output: UnsafeBufferPointer<UInt8>, collectedAt: Date) {
            sample = MetricSample(collectedAt: collectedAt)
            if output.count > ProbeParser.maximumOutputBytes {
                bytes = UnsafeBufferPointer(rebasing: output[0..<ProbeParser.maximumOutputBytes])
                log.add(.output, "the output is larger than \(ProbeParser.maximumOutputBytes / 1024 / 1024) MiB; the rest was dropped")
            } else {
                bytes = output
            }
            precondition(!bytes.isEmpty, "ProbeParser.Context needs at least one byte")
            base = bytes.baseAddress!
        }

        /// Finds the sections, then reads each one.
        func run() {
            findSections()
            if !sawBegin {
                log.add(.output, "no @@sd:begin marker: this is not probe output, or the probe never started")
            }
            let missing = Section.probeSections.filter { $0.isExpected && bodies[$0.rawValue] == nil }.map(\.label)
            if !isComplete {
                let suffix = missing.isEmpty ? "" : "; missing: \(missing.joined(separator: ", "))"
                log.add(.output, "the output stops before @@sd:end, so it was cut short; what came before is kept\(suffix)")
            } else if !missing.isEmpty {
                log.add(.output, "sections missing: \(missing.joined(separator: ", "))")
            }
            for section in Section.probeSections {
                guard let body = bodies[section.rawValue] else { continue }
                switch section {
                case .output: break
                case .os: readOS(body)
                case .load: readLoad(body)
                case .cpu: readCPU(body)
                case .diskio: readDiskIO(body)
                case .memory: readMemory(body)
                case .mounts: readMounts(body)
                case .df: readDF(body)
                case .sessions: sample.loggedUsers = readCount(body, section: .sessions, key: "count")
                case .tcp: sample.tcpConnections = readCount(body, section: .tcp, key: "established")
                case .network: readNetwork(body)
                case .uptime: readUptime(body)
                case .processes: sample.processCount = readCount(body, section: .processes, key: "count")
                case .users: readUsers(body)
                case .home: readHome(body)
                case .inodes: readInodes(body)
                case .topprocs: readTopProcesses(body)
                case .temperature: readTemperature(body)
                case .units: readUnits(body)
                case .containers: readContainers(body)
                }
            }
        }

        /// The finished report.
        func report() -> ProbeReport {
            ProbeReport(sample: sample, problems: log.finished(), formatVersion: formatVersion, isComplete: isComplete)
        }

        // MARK: - Markers

        /// Walks the lines once, recording where each section's body lies.
        ///
        /// Only lines starting with `@@sd:` matter here; bodies are read later, section by section.
        private func findSections() {
            let end = bytes.count
            var position = 0
            var open: Section?
            var openStart = 0
            var insideOther = false
            var linesBeforeBegin = 0
            var firstLineBeforeBegin: Span?
            var linesOutside = 0
            var afterEnd: Span?
            while position < end {
                var newline: Int?
                if let found = memchr(base + position, 0x0A, end - position) {
                    newline = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                }
                let lineEnd = newline ?? end
                let line = Span(start: position, end: lineEnd)
                let isMarker = base[position] == 0x40 /* @ */ && hasPrefix(line, "@@sd:")
                if newline == nil, !(isMarker && isEndMarker(line)) {
                    // The last line has no newline: it was cut in the middle, so none of it is trusted.
                    if !isBlank(line) {
                        log.add(open ?? .output, "the output ends in the middle of a line; that line was dropped: \(excerpt(line))")
                    }
                    break
                }
                if isMarker {
                    if let section = open {
                        bodies[section.rawValue] = Span(start: openStart, end: position)
                    }
                    open = nil
                    insideOther = false
                    let bodyStart = min(lineEnd + 1, end)
                    switch marker(line) {
                    case .begin: break
                    case .end:
                        isComplete = true
                        let rest = Span(start: bodyStart, end: end)
                        if !isBlank(rest) { afterEnd = rest }
                    case .section(let section):
                        open = section
                        openStart = bodyStart
                    case .other:
                        insideOther = true
                    }
                    if isComplete { break }
                } else if open == nil, !insideOther, !isBlank(line) {
                    if sawBegin {
                        linesOutside += 1
                    } else {
                        linesBeforeBegin += 1
                        if firstLineBeforeBegin == nil { firstLineBeforeBegin = line }
                    }
                }
                position = lineEnd + 1
            }
            if let section = open {
                bodies[section.rawValue] = Span(start: openStart, end: min(position, end))
            }
            if let first = firstLineBeforeBegin {
                log.add(.output, "ignored \(linesBeforeBegin) line(s) before @@sd:begin (shell start-up output?), starting with \(excerpt(first))")
            }
            if linesOutside > 0 {
                log.add(.output, "ignored \(linesOutside) line(s) outside any section")
            }
            if let afterEnd {
                log.add(.output, "ignored what followed @@sd:end: \(excerpt(afterEnd))")
            }
        }

        private enum Marker {
            case begin, end, section(Section), other
        }

        /// Whether a marker line is `@@sd:end`.
        private func isEndMarker(_ line: Span) -> Bool {
            var cursor = line.start + 5
            guard let name = nextField(&cursor, before: line.end) else { return false }
            return equals(name, "end")
        }

        /// Reads one marker line, recording the begin marker and repeated sections on the way.
        private func marker(_ line: Span) -> Marker {
            var cursor = line.start + 5
            guard let name = nextField(&cursor, before: line.end) else { return .other }
            if equals(name, "begin") {
                if sawBegin {
                    log.add(.output, "a second @@sd:begin marker was ignored")
                    return .begin
                }
                sawBegin = true
                readVersion(after: cursor, before: line.end)
                return .begin
            }
            if equals(name, "end") { return .end }
            guard let section = section(named: name) else {
                // A section this parser does not know: newer probe, older collector. Skipped quietly.
                return .other
            }
            if bodies[section.rawValue] != nil {
                log.add(section, "the section appeared again; the first one counts and the repeat was skipped")
                return .other
            }
            return .section(section)
        }

        /// The section a marker names, found by its first letter.
        private func section(named name: Span) -> Section? {
            let candidates: (Section, Section?, Section?)
            switch base[name.start] {
            case 0x63 /* c */: candidates = (.cpu, .containers, nil)
            case 0x64 /* d */: candidates = (.df, .diskio, nil)
            case 0x68 /* h */: candidates = (.home, nil, nil)
            case 0x69 /* i */: candidates = (.inodes, nil, nil)
            case 0x6C /* l */: candidates = (.load, nil, nil)
            case 0x6D /* m */: candidates = (.memory, .mounts, nil)
            case 0x6E /* n */: candidates = (.network, nil, nil)
            case 0x6F /* o */: candidates = (.os, nil, nil)
            case 0x70 /* p */: candidates = (.processes, nil, nil)
            case 0x73 /* s */: candidates = (.sessions, nil, nil)
            case 0x74 /* t */: candidates = (.tcp, .topprocs, .temperature)
            case 0x75 /* u */: candidates = (.uptime, .users, .units)
            default: return nil
            }
            if equals(name, candidates.0.name) { return candidates.0 }
            if let second = candidates.1, equals(name, second.name) { return second }
            if let third = candidates.2, equals(name, third.name) { return third }
            return nil
        }

        /// Reads `version=N` from the rest of the begin marker.
        private func readVersion(after start: Int, before end: Int) {
            var cursor = start
            while let field = nextField(&cursor, before: end) {
                guard hasPrefix(field, "version=") else { continue }
                let value = Span(start: field.start + 8, end: field.end)
                do {
                    let version = try integer(value)
                    formatVersion = Int(version)
                    if version != Int64(ProbeParser.supportedFormatVersion) {
                        log.add(
                            .output,
                            "format version \(version) is not the version \(ProbeParser.supportedFormatVersion) this collector reads; reading what it can")
                    }
                } catch {
                    log.add(.output, "the begin marker's version \(error.reason): \(excerpt(value))")
                }
                return
            }
            log.add(.output, "the begin marker has no version=")
        }
    }
}

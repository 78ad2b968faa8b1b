extension ProbeParser.Context {
    // MARK: - containers

    /// `containers`: `engine=docker|podman`, then TAB-separated rows: `ps NAME IMAGE STATUS`,
    /// `inspect NAME RESTARTS EXITCODE` and `stats NAME CPU% MEMUSAGE`; or one `absent=` line.
    /// The state is worked out from the status (`Up …`, `Exited (1) …`), which every engine
    /// version prints. `containers` is `nil` when absent or unreadable, else at most
    /// `ContainerInfo.maximumCount` containers.
    func readContainers(_ body: Span) {
        guard !hasAbsentLine(body) else { return }
        var cursor = body.start
        var engineSeen = false
        var containers: [ContainerInfo] = []
        var indexByName: [String: Int] = [:]
        var dropped = 0
        while let line = nextLine(&cursor, in: body, section: .containers) {
            if value(of: line, key: "engine") != nil {
                engineSeen = true
                continue
            }
            let fields = tabFields(line, limit: 4)
            guard fields.count == 4 else {
                log.add(.containers, "expected KIND<TAB>NAME<TAB>…, got \(excerpt(line))")
                continue
            }
            var name = containerText(fields[1], what: "a container name")
            if name.hasPrefix("/") { name.removeFirst() }  // docker inspect writes /name
            guard !name.isEmpty else {
                log.add(.containers, "a row has no container name: \(excerpt(line))")
                continue
            }
            if equals(fields[0], "ps") {
                guard indexByName[name] == nil else {
                    log.add(.containers, "a second row for \(quoted(name)) was ignored")
                    continue
                }
                guard containers.count < ContainerInfo.maximumCount else {
                    dropped += 1
                    continue
                }
                let status = containerText(fields[3], what: "the status of \(quoted(name))")
                let (state, exitCode) = Self.containerState(status: status)
                indexByName[name] = containers.count
                containers.append(
                    ContainerInfo(
                        name: name, image: containerText(fields[2], what: "the image of \(quoted(name))"), state: state,
                        status: status.isEmpty ? nil : status, exitCode: exitCode))
            } else if equals(fields[0], "inspect") {
                guard let index = indexByName[name] else { continue }
                containers[index].restartCount = try? count(trimmed(fields[2]))
                if let code = try? count(trimmed(fields[3])), containers[index].state != "running" {
                    containers[index].exitCode = code
                }
            } else if equals(fields[0], "stats") {
                guard let index = indexByName[name] else { continue }
                containers[index].cpuPercent = percentFigure(trimmed(fields[2]))
                containers[index].memoryBytes = memoryUsage(fields[3])
            } else {
                log.add(.containers, "unknown row kind: \(excerpt(line))")
            }
        }
        if dropped > 0 {
            log.add(.containers, "more than \(ContainerInfo.maximumCount) containers; \(dropped) more were dropped")
        }
        guard engineSeen || !containers.isEmpty else {
            if !hasErrorLine(body) { log.add(.containers, "no engine= line") }
            return
        }
        sample.containers = containers
    }

    /// Cleaned host text bounded to `ContainerInfo.maximumTextBytes`.
    private func containerText(_ span: Span, what: @autoclosure () -> String) -> String {
        let cleaned = cleanedText(trimmed(span), maximumBytes: ContainerInfo.maximumTextBytes)
        if cleaned.altered {
            log.add(.containers, "\(what()) had control characters, bidi controls or invalid UTF-8 removed: \(quoted(cleaned.text))")
        }
        return cleaned.text
    }

    /// The state (one of `ContainerInfo.states`) and exit code a `docker ps` / `podman ps` status says.
    static func containerState(status: String) -> (state: String, exitCode: Int?) {
        let lower = status.lowercased()
        func code() -> Int? {
            guard let open = lower.firstIndex(of: "("), let close = lower[open...].firstIndex(of: ")") else { return nil }
            return Int(lower[lower.index(after: open)..<close])
        }
        if lower.hasPrefix("up") { return (lower.contains("(paused)") ? "paused" : "running", nil) }
        if lower.hasPrefix("exited") { return ("exited", code()) }
        if lower.hasPrefix("restarting") { return ("restarting", code()) }
        if lower.hasPrefix("created") { return ("created", nil) }
        if lower.hasPrefix("paused") { return ("paused", nil) }
        if lower.hasPrefix("dead") { return ("dead", nil) }
        if lower.hasPrefix("removal") || lower.hasPrefix("removing") { return ("removing", nil) }
        return ("unknown", nil)
    }

    /// `12.34%` as 12.34; `nil` for `--` or anything else.
    private func percentFigure(_ span: Span) -> Double? {
        guard span.count >= 2, base[span.end - 1] == 0x25 /* % */ else { return nil }
        guard let value = try? decimal(Span(start: span.start, end: span.end - 1)), value <= 1_000_000 else { return nil }
        return value
    }

    /// The used part of `12.5MiB / 7.6GiB` (docker) or `1.036MB / 8.2GB` (podman) in bytes.
    private func memoryUsage(_ span: Span) -> Int64? {
        var cursor = span.start
        guard let field = nextField(&cursor, before: span.end) else { return nil }
        var split = field.end
        while split > field.start, !Self.isDigit(base[split - 1]) { split -= 1 }
        guard split > field.start, let number = try? decimal(Span(start: field.start, end: split)) else { return nil }
        let suffix = String(decoding: UnsafeBufferPointer(rebasing: bytes[split..<field.end]), as: UTF8.self)
        let factors: [String: Double] = [
            "B": 1, "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
            "kB": 1000, "KB": 1000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
        ]
        guard let factor = factors[suffix] else { return nil }
        let bytes = (number * factor).rounded()
        guard bytes.isFinite, bytes < 9.0e18 else { return nil }
        return Int64(bytes)
    }
}

extension ProbeParser.Context {
    // MARK: - users

    /// `users`: one row per user, `user<TAB>cpu<TAB>mem<TAB>processes<TAB>top_process`, any order.
    ///
    /// The process name is everything after the fourth tab. The result is sorted by CPU,
    /// highest first (then memory, then name, so the order is stable).
    func readUsers(_ body: Span) {
        var cursor = body.start
        var users: [UserActivity] = []
        var names: Set<String> = []
        var droppedForLimit = 0
        while let line = nextLine(&cursor, in: body, section: .users) {
            let fields = tabFields(line, limit: 5)
            guard fields.count >= 4 else {
                log.add(.users, "expected user<TAB>cpu<TAB>mem<TAB>processes<TAB>top_process, got \(excerpt(line))")
                continue
            }
            guard users.count < ProbeParser.maximumUsers else {
                droppedForLimit += 1
                continue
            }
            let username = text(fields[0], section: .users, what: "a user name")
            guard !username.isEmpty else {
                log.add(.users, "a row has no user name: \(excerpt(line))")
                continue
            }
            guard !names.contains(username) else {
                log.add(.users, "a second row for \(quoted(username)) was ignored")
                continue
            }
            let cpu: Double
            let memory: Double
            let processes: Int
            do {
                cpu = try decimal(trimmed(fields[1]))
                memory = try decimal(trimmed(fields[2]))
                processes = try count(trimmed(fields[3]))
            } catch {
                log.add(.users, "a figure of \(quoted(username)) \(error.reason): \(excerpt(line))")
                continue
            }
            var topProcess: String?
            if fields.count == 5, !fields[4].isEmpty {
                let name = text(fields[4], section: .users, what: "the top process of \(quoted(username))")
                topProcess = name.isEmpty ? nil : name
            }
            names.insert(username)
            users.append(UserActivity(username: username, cpuPercent: cpu, memoryPercent: memory, processCount: processes, topProcess: topProcess))
        }
        if droppedForLimit > 0 {
            log.add(.users, "more than \(ProbeParser.maximumUsers) users; \(droppedForLimit) more were dropped")
        }
        users.sort { lhs, rhs in
            if lhs.cpuPercent != rhs.cpuPercent { return lhs.cpuPercent > rhs.cpuPercent }
            if lhs.memoryPercent != rhs.memoryPercent { return lhs.memoryPercent > rhs.memoryPercent }
            return lhs.username < rhs.username
        }
        sample.users = users
    }

    /// The TAB-separated fields of `line`, at most `limit`; the last one keeps any further tabs.
    func tabFields(_ line: Span, limit: Int) -> [Span] {
        var fields: [Span] = []
        fields.reserveCapacity(limit)
        var start = line.start
        while fields.count < limit - 1, let tab = indexOf(0x09, from: start, before: line.end) {
            fields.append(Span(start: start, end: tab))
            start = tab + 1
        }
        fields.append(Span(start: start, end: line.end))
        return fields
    }

    // MARK: - home

    /// `home`: `status=complete|timeout|unavailable`, then `user<TAB>kbytes` rows, attached to
    /// the users of the `users` section as `homeBytes`.
    func readHome(_ body: Span) {
        var cursor = body.start
        var indexByName: [String: Int] = [:]
        for (index, user) in sample.users.enumerated() { indexByName[user.username] = index }
        var measured: Set<String> = []
        var rows = 0
        var droppedForLimit = 0
        var statusSeen = false
        while let line = nextLine(&cursor, in: body, section: .home) {
            if let status = value(of: line, key: "status") {
                guard !statusSeen else {
                    log.add(.home, "status= appeared again; the first one counts")
                    continue
                }
                statusSeen = true
                readHomeStatus(trimmed(status))
                continue
            }
            let fields = tabFields(line, limit: 2)
            guard fields.count == 2 else {
                log.add(.home, "expected user<TAB>kbytes, got \(excerpt(line))")
                continue
            }
            guard rows < ProbeParser.maximumUsers else {
                droppedForLimit += 1
                continue
            }
            rows += 1
            let username = text(fields[0], section: .home, what: "a user name")
            guard !measured.contains(username) else {
                log.add(.home, "a second row for \(quoted(username)) was ignored")
                continue
            }
            measured.insert(username)
            let size: Int64
            do {
                size = try kilobytes(trimmed(fields[1]))
            } catch {
                log.add(.home, "the home size of \(quoted(username)) \(error.reason): \(excerpt(fields[1]))")
                continue
            }
            // Homes of users with no process are not shown: there is no activity row to attach to.
            if let index = indexByName[username] {
                sample.users[index].homeBytes = size
            }
        }
        if droppedForLimit > 0 {
            log.add(.home, "more than \(ProbeParser.maximumUsers) rows; \(droppedForLimit) more were dropped")
        }
    }

    private func readHomeStatus(_ status: Span) {
        if equals(status, "complete") { return }
        if equals(status, "timeout") {
            log.add(.home, "measuring home directories ran out of time; some sizes are missing")
        } else if equals(status, "unavailable") {
            log.add(.home, "home-directory sizes are not available on this host")
        } else {
            log.add(.home, "unknown status \(excerpt(status))")
        }
    }
}

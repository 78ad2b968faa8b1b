import DashboardCore
import DashboardWire
import FoundationEssentials

/// The server page's sections from the deeper probe (docs/dashboard.md, "Server page"): failed units,
/// containers, top processes and the change timeline. A list the host did not report (`null`) reads
/// differently from an empty one; every host text is escaped by ``HTML``.
extension ServerView {
    /// Change events shown on the page (the newest).
    static let changeEventLimit = 20

    /// "Failed units": the names, "none", or that the host has no systemd (the last known fleet of a
    /// stale page carries them too).
    static func failedUnits(_ units: [String]?) -> HTML {
        let body: HTML
        if let units {
            body =
                units.isEmpty
                ? Components.emptyState(id: "no-failed-units", "None: every systemd unit is fine.")
                : "<ul class=\"failed-units\" id=\"failed-units\">\(HTML.join(units) { "<li><code>\($0)</code></li>" })</ul>"
        } else {
            body = Components.emptyState(id: "failed-units-unavailable", "Not available on this host (no systemd, or it did not answer).")
        }
        return "<h2 id=\"failed-units-heading\">Failed units</h2>\(body)"
    }

    /// "Containers": name, image, state badge, status text, CPU and memory of each.
    static func containers(_ containers: [ContainerRecord]?, stale: Bool) -> HTML {
        let heading: HTML = "<h2 id=\"containers-heading\">Containers</h2>"
        guard let containers else {
            return heading
                + unavailable("containers-unavailable", stale: stale, "Not available on this host (neither Docker nor Podman is usable by the login user).")
        }
        guard !containers.isEmpty else { return heading + Components.emptyState(id: "no-containers", "No containers on this host.") }
        let rows = HTML.join(containers) { container in
            let exit: HTML = container.exitCode.map { " <span class=\"muted\">(exit \($0))</span>" } ?? .empty
            let restarts: HTML = container.restartCount.flatMap { $0 > 0 ? " <span class=\"muted\">(\($0) restarts)</span>" : nil } ?? .empty
            return """
                <tr><th scope="row">\(container.name)</th><td><code>\(container.image)</code></td>\
                <td><span class="st s-\(stateLevel(container).rawValue)">\(container.state)</span>\(exit)\(restarts)</td>\
                <td>\(container.status ?? Format.missing)</td><td class="n">\(Format.percent(container.cpuPercent))</td>\
                <td class="n">\(Format.bytes(container.memoryBytes))</td></tr>
                """
        }
        return """
            \(heading)<div class="table-wrap"><table id="containers"><caption class="defs">Containers of the latest sample</caption>\
            <thead><tr><th scope="col">Name</th><th scope="col">Image</th><th scope="col">State</th><th scope="col">Status</th>\
            <th scope="col" class="n">CPU</th><th scope="col" class="n">Memory</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    /// The badge colour of a container's state: running is healthy; exited with an error code or
    /// dead is critical; restarting, paused, created and removing warn; a clean exit is grey.
    static func stateLevel(_ container: ContainerRecord) -> ServerStatus {
        switch container.state {
        case "running": .healthy
        case "dead": .critical
        case "exited": (container.exitCode ?? 0) == 0 ? .offline : .critical
        case "restarting", "paused", "created", "removing": .warning
        default: .offline
        }
    }

    /// "Top processes": pid, user, command, CPU % and memory %, highest CPU first.
    static func topProcesses(_ processes: [ProcessRecord]?, stale: Bool) -> HTML {
        let heading: HTML = "<h2 id=\"processes-heading\">Top processes</h2>"
        guard let processes else {
            return heading + unavailable("processes-unavailable", stale: stale, "Not available on this host (its <code>ps</code> did not answer).")
        }
        guard !processes.isEmpty else { return heading + Components.emptyState(id: "no-processes", "No processes listed in the latest sample.") }
        let rows = HTML.join(processes) { process in
            """
            <tr><td class="n">\(process.pid)</td><td>\(process.user)</td><th scope="row"><code>\(process.command)</code></th>\
            <td class="n">\(Format.number(process.cpuPercent, decimals: 1))</td><td class="n">\(Format.number(process.memoryPercent, decimals: 1))</td></tr>
            """
        }
        return """
            \(heading)<div class="table-wrap"><table id="top-processes"><caption class="defs">The busiest processes of the latest sample, highest CPU first</caption>\
            <thead><tr><th scope="col" class="n">PID</th><th scope="col">User</th><th scope="col">Command</th>\
            <th scope="col" class="n">CPU %</th><th scope="col" class="n">Memory %</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    /// "What changed": the newest change events, each kind with previous → current and its time.
    static func changeTimeline(_ events: [ChangeEventRecord], now: Date) -> HTML {
        let heading: HTML = "<h2 id=\"changes-heading\">What changed</h2>"
        guard !events.isEmpty else {
            return heading + Components.emptyState(id: "no-changes", "No reboot, kernel, OS, new user or host key change in the last 30 days.")
        }
        let items = HTML.join(events.prefix(changeEventLimit)) { event in
            "<li data-kind=\"\(event.kind)\">\(Components.time(event.at, now: now)) <b>\(changeLabel(event.kind))</b>\(changeValues(event))</li>"
        }
        return "\(heading)<ol class=\"timeline\" id=\"change-events\" aria-labelledby=\"changes-heading\">\(items)</ol>"
    }

    /// The words for a change kind; an unknown kind as it came.
    static func changeLabel(_ kind: String) -> HTML {
        switch kind {
        case "reboot": "Rebooted"
        case "kernel_changed": "Kernel changed"
        case "os_changed": "Operating system changed"
        case "new_user": "New user"
        case "host_key_changed": "Host key changed"
        default: "\(kind)"
        }
    }

    /// `: previous → current`, either side left out when missing.
    static func changeValues(_ event: ChangeEventRecord) -> HTML {
        switch (event.previous, event.current) {
        case (let previous?, let current?): ": <code>\(previous)</code> → <code>\(current)</code>"
        case (nil, let current?): ": <code>\(current)</code>"
        case (let previous?, nil): ": <code>\(previous)</code> → <span class=\"muted\">none</span>"
        case (nil, nil): .empty
        }
    }

    /// A section the host did not report; while the page is stale (the api's last known fleet,
    /// which leaves processes and containers out) the list may simply be missing.
    static func unavailable(_ id: String, stale: Bool, _ message: HTML) -> HTML {
        stale ? Components.emptyState(id: id, "Needs the database; shown again once it is back.") : Components.emptyState(id: id, message)
    }

    /// A filesystem's inode use: `12.5 % (1 234 of 10 000)`, or `–` when it reports none.
    static func inodes(_ filesystem: APIRecords.Filesystem) -> HTML {
        guard let percent = filesystem.inodesPercent else { return "<span class=\"muted\">\(Format.missing)</span>" }
        let counts: HTML =
            if let used = filesystem.inodesUsed, let total = filesystem.inodesTotal,
                let usedCount = Int(exactly: used), let totalCount = Int(exactly: total)
            {
                " <span class=\"muted\">(\(Format.integer(usedCount)) of \(Format.integer(totalCount)))</span>"
            } else {
                .empty
            }
        return "\(Format.percent(percent))\(counts)"
    }
}

import DashboardCore
import DashboardWire
import FoundationEssentials
import Hummingbird

/// `GET /servers/{name}`: every figure of one server, its active alerts with their silences and
/// notifications, its anomalies of the last 24 hours (docs/anomalies.md), its failed units, containers
/// and top processes, its filesystems with inode use and the disk-full forecast, what changed on it
/// (docs/dashboard.md), its top users and its recent collection failures.
struct ServerController {
    let pages: PageRenderer

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/servers/{name}", use: server)
    }

    @Sendable func server(request: Request, context: some RequestContext) async throws -> HTMLResponse {
        let raw = context.parameters.get("name") ?? ""
        guard let name = PercentEncoding.decode(raw), !name.isEmpty, name.utf8.count <= 255,
            !name.unicodeScalars.contains(where: HostText.isUnsafe)
        else {
            return pages.errorPage(.notFound("There is no server with this name."))
        }
        return try await pages.respond(title: name, section: .none) { now in
            async let detail = pages.api.server(named: name)
            async let users = pages.api.topUsers(UsersFilter(server: name), limit: 20)
            async let failures = pages.api.failures(server: name, limit: 10)
            async let forecast = pages.api.forecast(server: name)
            async let alerts = pages.api.alerts(active: true, server: name, limit: 100)
            async let silences = pages.api.silences()
            async let anomalies = pages.api.anomalies(server: name)
            async let changes = pages.api.changeEvents(server: name, limit: ServerView.changeEventLimit)
            let record = try await detail
            // During a database outage the api answers the server's record from its last known
            // fleet (the stale banner) while the rest needs the database: shown empty, and said so.
            let stale = PageContext.current?.stale != nil
            var partial = false
            func tolerate(_ error: any Error) throws {
                guard stale, let problem = error as? APIClientError, problem.kind == .unavailable else { throw error }
                partial = true
            }
            var userRows: [TopUserRecord] = [], failureRows: [APIRecords.Failure] = [], alertRows: [APIRecords.Alert] = []
            var silenceRows: [APIRecords.Silence] = [], anomalyRows: [APIRecords.Anomaly] = []
            var changeRows: [ChangeEventRecord] = []
            var prediction = APIRecords.Forecast(serverName: name, windowDays: 0, generatedAt: now, filesystems: [])
            do { userRows = try await users } catch { try tolerate(error) }
            do { failureRows = try await failures } catch { try tolerate(error) }
            do { prediction = try await forecast } catch { try tolerate(error) }
            do { alertRows = try await alerts } catch { try tolerate(error) }
            do { silenceRows = try await silences } catch { try tolerate(error) }
            do { anomalyRows = try await anomalies } catch { try tolerate(error) }
            do { changeRows = try await changes } catch { try tolerate(error) }
            return ServerView.render(
                detail: record, users: userRows, failures: failureRows, forecast: prediction,
                alerts: alertRows, silences: silenceRows, anomalies: anomalyRows, changes: changeRows, now: now, partial: partial, stale: stale
            )
        }
    }
}

/// The server page's content.
enum ServerView {
    static func render(
        detail: APIRecords.ServerDetail, users: [TopUserRecord], failures: [APIRecords.Failure], forecast: APIRecords.Forecast,
        alerts: [APIRecords.Alert] = [], silences: [APIRecords.Silence] = [], anomalies: [APIRecords.Anomaly] = [],
        changes: [ChangeEventRecord] = [], now: Date, partial: Bool = false, stale: Bool = false
    ) -> HTML {
        let server = detail.server
        let sample = detail.latest
        func fact(_ label: String, _ value: HTML) -> HTML { "<dt>\(label)</dt><dd>\(value)</dd>" }
        func text(_ value: String?) -> HTML { value.map { "\($0)" } ?? HTML(unsafeRaw: Format.missing) }
        // A host-key failure is fixed on the collector's machine (docs/collector.md, "Trusting host keys").
        let hostKeyHint: HTML =
            server.lastError?.kind == .hostKey
            ? """
            <p class="meta" id="host-key-hint">After checking the fingerprint, trust the key on the collector's machine with \
            <code>collector trust</code> and this server's name (<code>make trust-hosts</code> for every server); \
            a changed key is never replaced by it.</p>
            """ : .empty
        let lastError: HTML = server.lastError.map { "<span class=\"err\">\($0.kind.rawValue): \($0.message)</span>\(hostKeyHint)" } ?? "none"
        let facts: HTML = """
            <dl class="facts" id="facts">\(fact("Status", Components.badge(server.status)))\
            \(fact("Host", text(server.port > 0 ? "\(server.host):\(server.port)" : server.host)))\
            \(fact("Operating system", text(server.osName)))\(fact("Kernel", text(server.kernel)))\
            \(fact("Hostname", text(server.hostname)))\(fact("CPU cores", text(server.cpuCores.map(String.init))))\
            \(fact("Uptime", text(Format.duration(sample?.figures[.uptimeSeconds]))))\
            \(fact("Last collected", Components.time(sample?.collectedAt, now: now)))\
            \(fact("Last attempt", Components.time(server.lastAttemptAt, now: now)))\
            \(fact("First seen", Components.time(server.firstSeen, now: now)))\
            \(fact("Last error", lastError))</dl>
            """
        let gauges: HTML = """
            <div class="gs wide">\(Gauge.render(label: "CPU", value: server.cpuPercent, status: server.cpuStatus))\
            \(Gauge.render(label: "RAM", value: server.ramPercent, status: server.ramStatus))\
            \(Gauge.render(label: "Disk", value: server.diskPercent, status: server.diskStatus))</div>
            """
        let figures: HTML =
            sample.map { sample in
                // Every figure the catalogue lists, in its unit (docs/adding-a-metric.md).
                // Figures with levels are coloured by this server's own (as its gauges are).
                let rows = HTML.join(MetricCatalogue.onSample.filter(\.isListed)) { figure in
                    let value = sample.figures[figure.id]
                    let text = Format.figure(value, unit: figure.unit)
                    guard let levels = figure.threshold?.levels(in: detail.thresholds) else {
                        return "<tr><th scope=\"row\">\(figure.label)</th><td class=\"n\">\(text)</td></tr>"
                    }
                    return "<tr><th scope=\"row\">\(figure.label)</th><td class=\"n m-\(levels.classify(value).rawValue)\"><b>\(text)</b></td></tr>"
                }
                return """
                    <table id="figures"><caption class="defs">Every figure of the latest sample</caption><tbody>\
                    \(rows)<tr><th scope="row">Headline filesystem</th><td class="n">\(sample.diskMount ?? Format.missing)</td></tr></tbody></table>
                    """
            } ?? Components.emptyState(id: "never-collected", "Never collected: no sample from this server yet.")
        let history = "/history?" + URLEncoding.query([("server", server.name)])
        return """
            <div class="toolbar"><h1 data-status="\(server.status.rawValue)" class="s-\(server.status.rawValue)">\(server.name) \(Components.badge(server.status))</h1>\
            <a class="button" href="\(history)">History</a></div>\(Components.tags(server.tags))\
            \(partial ? Components.emptyState(id: "partial", "Alerts, anomalies, the forecast, what changed, top users and failures need the database; they are shown again once it is back.") : .empty)\
            \(HistoryView.exports(server: server.name, from: now.addingTimeInterval(-86_400), to: now, label: "Export the last 24 hours"))\
            <div class="grid2"><section class="panel">\(gauges)\(facts)</section><section class="panel"><h2>Latest figures</h2>\(figures)</section></div>\
            \(alertsSection(alerts, silences: silences.filter { $0.covers(server: server.name, tags: server.tags) }, now: now))\
            \(AnomalyMarks.serverSection(anomalies, server: server.name, now: now))\
            \(sample.map { deeperSections($0, stale: stale) } ?? .empty)\
            <h2>Filesystems</h2>\(filesystems(sample?.filesystems ?? [], forecast: forecast, disk: detail.thresholds.disk))\
            \(changeTimeline(changes, now: now))\
            <h2>Top users</h2>\(topUsers(users))\
            <h2>Recent collection failures</h2>\(failureTable(failures, now: now))
            """
    }

    /// Failed units, containers and top processes of the latest sample (ServerView+Deeper.swift).
    static func deeperSections(_ sample: APIRecords.Sample, stale: Bool) -> HTML {
        "\(failedUnits(sample.failedUnits))\(containers(sample.containers, stale: stale))\(topProcesses(sample.topProcesses, stale: stale))"
    }

    /// The server's active alerts, each with its silence and deliveries, and the silences that cover it.
    static func alertsSection(_ alerts: [APIRecords.Alert], silences: [APIRecords.Silence], now: Date) -> HTML {
        let table =
            alerts.isEmpty
            ? Components.emptyState(id: "no-server-alerts", "No active alerts on this server.")
            : AlertsView.table("server-alerts", alerts, resolved: false, now: now)
        let covering: HTML =
            silences.isEmpty ? .empty : "<h2 id=\"server-silences-heading\">Silences</h2>\(AlertMarks.silences("server-silences", silences, now: now))"
        return "<h2 id=\"server-alerts-heading\">Active alerts</h2>\(table)\(covering)"
    }

    /// The filesystems table; each bar coloured by the server's own disk thresholds (the defaults when the api sends none).
    static func filesystems(_ filesystems: [APIRecords.Filesystem], forecast: APIRecords.Forecast, disk: Threshold?) -> HTML {
        guard !filesystems.isEmpty else { return Components.emptyState(id: "no-filesystems", "No filesystems reported.") }
        var byMount: [String: FilesystemForecast] = [:]
        for item in forecast.filesystems { byMount[item.mountPoint] = item }
        let rows = HTML.join(filesystems) { filesystem in
            let prediction = byMount[filesystem.mountPoint]
            return """
                <tr><th scope="row"><code>\(filesystem.mountPoint)</code></th><td>\(filesystem.device)\(filesystem.fsType.map { " (\($0))" })</td>\
                <td class="n">\(Format.bytes(filesystem.usedBytes)) of \(Format.bytes(filesystem.sizeBytes))</td>\
                <td class="n">\(Format.percent(filesystem.usedPercent))</td><td>\(Components.bar(filesystem.usedPercent, status: (disk ?? Thresholds.defaults.disk).classify(filesystem.usedPercent)))</td>\
                <td class="n">\(inodes(filesystem))</td><td>\(forecastText(prediction))</td></tr>
                """
        }
        return """
            <div class="table-wrap"><table id="filesystems"><thead><tr><th scope="col">Mount</th><th scope="col">Device</th>\
            <th scope="col" class="n">Used</th><th scope="col" class="n">Use</th><th scope="col"><span class="defs">Bar</span></th>\
            <th scope="col" class="n">Inodes used</th><th scope="col">Forecast (last \(forecast.windowDays) d)</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    static func forecastText(_ forecast: FilesystemForecast?) -> HTML {
        guard let forecast else { return "<span class=\"muted\">no forecast</span>" }
        switch forecast.trend {
        case .filling:
            let growth = forecast.growthBytesPerDay.map { " (+\(Format.bytes($0))/day)" } ?? ""
            guard let days = forecast.daysUntilFull else { return "filling\(growth)" }
            let when = days < 1 ? "full within a day" : "full in \(Format.number(days, decimals: days < 10 ? 1 : 0)) days"
            return "<span class=\"forecast filling\">\(when)</span>\(growth)"
        case .stable: return "stable"
        case .shrinking: return "shrinking"
        case .insufficientData: return "<span class=\"muted\">not enough data yet</span>"
        }
    }

    static func topUsers(_ users: [TopUserRecord]) -> HTML {
        guard !users.isEmpty else { return Components.emptyState(id: "no-users", "No user activity in the latest sample.") }
        let rows = HTML.join(users) { user in
            """
            <tr><th scope="row">\(user.username)</th><td class="n">\(Format.number(user.cpu, decimals: 1))</td>\
            <td class="n">\(Format.number(user.mem, decimals: 1))</td><td class="n">\(Format.bytes(user.disk))</td>\
            <td class="n">\(Format.integer(user.processCount))</td><td><code>\(user.topProcess ?? Format.missing)</code></td></tr>
            """
        }
        return """
            <div class="table-wrap"><table id="server-users"><thead><tr><th scope="col">User</th><th scope="col" class="n">CPU %</th>\
            <th scope="col" class="n">Memory %</th><th scope="col" class="n">Home</th><th scope="col" class="n">Processes</th>\
            <th scope="col">Top process</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    static func failureTable(_ failures: [APIRecords.Failure], now: Date) -> HTML {
        guard !failures.isEmpty else { return Components.emptyState(id: "no-failures", "No failed collections recorded.") }
        let rows = HTML.join(failures) { failure in
            """
            <tr><th scope="row">\(Components.time(failure.finishedAt, now: now))</th><td>\(failure.failureKind ?? "unknown")</td>\
            <td>\(failure.message ?? "")</td><td class="n">\(Format.integer(failure.attempts))</td>\
            <td class="n">\(Format.integer(failure.durationMilliseconds)) ms</td></tr>
            """
        }
        return """
            <div class="table-wrap"><table id="failures"><thead><tr><th scope="col">When</th><th scope="col">Kind</th>\
            <th scope="col">Message</th><th scope="col" class="n">Attempts</th><th scope="col" class="n">Duration</th></tr></thead>\
            <tbody>\(rows)</tbody></table></div>
            """
    }
}

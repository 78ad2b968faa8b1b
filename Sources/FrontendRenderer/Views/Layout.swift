import FoundationEssentials

/// The frame every page shares: head with the one stylesheet and the one script, the
/// navigation with the refresh control, the stale and api-unavailable banners, the page's
/// `<main>` and the toast region. `<body>` tells the page script where the live events are
/// and how often to poll without them (docs/dashboard.md, "Live updates").
enum Layout {
    /// The sections of the navigation.
    enum Section: String, CaseIterable {
        case dashboard, overview, history, users, alerts, none

        var path: String {
            switch self {
            case .dashboard, .none: "/"
            case .overview: "/overview"
            case .history: "/history"
            case .users: "/users"
            case .alerts: "/alerts"
            }
        }

        var label: String {
            switch self {
            case .dashboard, .none: "Dashboard"
            case .overview: "Overview"
            case .history: "History"
            case .users: "Users"
            case .alerts: "Alerts"
            }
        }
    }

    /// What a page hands the layout besides its content.
    struct Frame {
        var title: String
        var section: Section
        /// Seconds between automatic refreshes (0: none).
        var refreshSeconds: Int
        /// A problem with the api to show above the content.
        var unavailable: APIClientError?
        var now: Date
        /// The page's own address, the target of its refresh control.
        var address = "/"
        /// Set when the api answered from its last known fleet: the stale banner.
        var stale: PageContext.Staleness?
        /// Whether the page follows the live events (a history with a fixed window does not: it
        /// still toasts alerts, but neither refreshes on a collection nor polls).
        var live = true
    }

    /// Where pages open their Server-Sent Events stream (same origin; nginx passes `/api/` to the api).
    static let eventsPath = "/api/events"

    /// The banner of a page whose figures the api served from its last known fleet.
    static func staleBanner(_ stale: PageContext.Staleness) -> HTML {
        """
        <div class="banner stale" id="stale-banner" role="status">The database is unreachable since \
        <time datetime="\(Format.machine(stale.since))">\(Format.utc(stale.since))</time>; figures as of \
        <time datetime="\(Format.machine(stale.asOf))">\(Format.utc(stale.asOf))</time>.</div>
        """
    }

    /// Only what the page script swaps in: the title and `#page` (an `X-Fragment: page` request).
    static func fragment(_ frame: Frame, content: HTML) -> HTML {
        "<title>\(frame.title) · Server Dashboard</title>\(page(frame, inner: content))"
    }

    static func page(_ frame: Frame, content: HTML) -> HTML {
        let navigation = HTML.join(Section.allCases.filter { $0 != .none }) { section in
            section == frame.section
                ? "<a href=\"\(section.path)\" aria-current=\"page\">\(section.label)</a>"
                : "<a href=\"\(section.path)\">\(section.label)</a>"
        }
        let body: HTML = """
            <body data-refresh="\(frame.refreshSeconds)" data-events="\(eventsPath)" data-live="\(frame.live ? "on" : "off")">\
            <a class="skip" href="#main">Skip to content</a>\
            <header class="top"><a class="brand" href="/">Server Dashboard</a>\
            <nav aria-label="Sections">\(navigation)</nav>\
            <a class="ghost refresh-link" id="page-refresh" href="\(frame.address)">Refresh</a>\
            <button type="button" id="theme-toggle" class="ghost" hidden>Theme</button></header>
            """
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <meta name="color-scheme" content="light dark">\
            <title>\(frame.title) · Server Dashboard</title>\
            <link rel="stylesheet" href="\(StaticAssets.stylesheet.url)">\
            <link rel="icon" href="\(StaticAssets.icon.url)" type="image/svg+xml">\
            <script src="\(StaticAssets.script.url)"></script></head>
            \(body)\(page(frame, inner: content))\
            <div id="toasts" class="toasts" role="status" aria-live="polite"></div>
            </body></html>
            """
    }

    /// `#page`: the banners, `<main>` and the footer — what an in-place refresh replaces.
    private static func page(_ frame: Frame, inner content: HTML) -> HTML {
        let banner: HTML =
            frame.unavailable.map { problem in
                """
                <div class="banner" id="api-banner" role="alert"><strong>The api is unavailable</strong> — \(problem.message). \
                The figures below may be missing or out of date; this page tries again \
                \(frame.refreshSeconds > 0 ? "every \(frame.refreshSeconds) s" : "when you reload it").</div>
                """
            } ?? .empty
        return """
            <div id="page">\(frame.stale.map(staleBanner))\(banner)<main id="main" tabindex="-1">\(content)</main>\
            <footer class="foot">Rendered <time datetime="\(Format.machine(frame.now))">\(Format.utc(frame.now))</time>\
            \(frame.live ? " · updates as collections land" : "")</footer></div>
            """
    }
}

import FoundationEssentials

/// The frame every page shares: head with the one stylesheet and the one script, the
/// navigation, the api-unavailable banner, the page's `<main>` and the toast region.
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
    }

    static func page(_ frame: Frame, content: HTML) -> HTML {
        let navigation = HTML.join(Section.allCases.filter { $0 != .none }) { section in
            section == frame.section
                ? "<a href=\"\(section.path)\" aria-current=\"page\">\(section.label)</a>"
                : "<a href=\"\(section.path)\">\(section.label)</a>"
        }
        let banner: HTML =
            frame.unavailable.map { problem in
                """
                <div class="banner" id="api-banner" role="alert"><strong>The api is unavailable</strong> — \(problem.message). \
                The figures below may be missing or out of date; this page tries again \
                \(frame.refreshSeconds > 0 ? "every \(frame.refreshSeconds) s" : "when you reload it").</div>
                """
            } ?? .empty
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <meta name="color-scheme" content="light dark">\
            <title>\(frame.title) · Server Dashboard</title>\
            <link rel="stylesheet" href="\(StaticAssets.stylesheet.url)">\
            <link rel="icon" href="\(StaticAssets.icon.url)" type="image/svg+xml">\
            <script src="\(StaticAssets.script.url)"></script></head>
            <body data-refresh="\(frame.refreshSeconds)">\
            <a class="skip" href="#main">Skip to content</a>\
            <header class="top"><a class="brand" href="/">Server Dashboard</a>\
            <nav aria-label="Sections">\(navigation)</nav>\
            <button type="button" id="theme-toggle" class="ghost" hidden>Theme</button></header>
            <div id="page">\(banner)<main id="main" tabindex="-1">\(Gauge.definitions)\(content)</main>\
            <footer class="foot">Rendered <time datetime="\(Format.machine(frame.now))">\(Format.utc(frame.now))</time>\
            \(frame.refreshSeconds > 0 ? " · refreshes every \(frame.refreshSeconds) s" : "")</footer></div>\
            <div id="toast" class="toast" role="status" aria-live="polite" hidden></div>
            </body></html>
            """
    }
}

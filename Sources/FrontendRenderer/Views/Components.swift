import DashboardCore
import FoundationEssentials

/// Small pieces the pages share.
enum Components {
    /// The link to a server's page; the name is escaped in the text and percent-encoded in the URL.
    static func serverLink(_ name: String) -> HTML {
        "<a href=\"/servers/\(URLEncoding.component(name))\">\(name)</a>"
    }

    /// A status badge.
    static func badge(_ status: ServerStatus) -> HTML {
        "<span class=\"st s-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    /// `<time>` with the relative text and, when `titled`, the UTC instant as its title.
    static func time(_ date: Date?, now: Date, titled: Bool = true) -> HTML {
        guard let date else { return "<span class=\"muted\">never</span>" }
        guard titled else { return "<time datetime=\"\(Format.machine(date))\">\(Format.relative(date, now: now))</time>" }
        return "<time datetime=\"\(Format.machine(date))\" title=\"\(Format.utc(date))\">\(Format.relative(date, now: now))</time>"
    }

    /// A horizontal bar from 0 to 100 % as SVG (no inline style, so the CSP can forbid it).
    static func bar(_ percent: Double?, status: MetricStatus) -> HTML {
        let width = Format.number(min(100, max(0, percent ?? 0)), decimals: 1)
        return """
            <svg class="bar m-\(status.rawValue)" viewBox="0 0 100 8" preserveAspectRatio="none" role="img"><title>\(Format.percent(percent)) used</title>\
            <rect class="bt" width="100" height="8" rx="3"/><rect class="bv" width="\(width)" height="8" rx="3"/></svg>
            """
    }

    /// The most tags shown for one server (docs/dashboard.md); the rest are left out.
    static let maximumTags = 8
    /// The longest tag text shown, in bytes of UTF-8 (links and filters keep the whole tag).
    static let maximumTagBytes = 64

    /// The tags a page shows for a server: the first ``maximumTags``.
    static func shownTags(_ tags: [String]) -> ArraySlice<String> {
        tags.prefix(maximumTags)
    }

    /// A server's tags as links that filter the dashboard by each (`/?tag=…`), escaped and
    /// bounded; nothing when it has none. The server page shows them with
    /// `Components.tags(detail.server.tags)`.
    static func tags(_ tags: [String], path: String = "/") -> HTML {
        guard !tags.isEmpty else { return .empty }
        let items = HTML.join(shownTags(tags)) { tag in
            let shown = HostText.clean(tag, maximumBytes: maximumTagBytes).text
            return " <a href=\"\(path)?tag=\(URLEncoding.component(tag))\">\(shown)</a>"
        }
        return "<p class=\"tags\"><span class=\"defs\">Tags:</span>\(items)</p>"
    }

    /// A status as a shape as well as a colour: ✕ critical, ! warning, – offline, ✓ healthy.
    static func statusMark(_ status: ServerStatus) -> String {
        switch status {
        case .critical: "✕"
        case .warning: "!"
        case .offline: "–"
        case .healthy: "✓"
        }
    }

    /// A box saying there is nothing to show, with an id tests and people can find.
    static func emptyState(id: String, _ message: HTML) -> HTML {
        "<div class=\"empty-state\" id=\"\(id)\">\(message)</div>"
    }
}

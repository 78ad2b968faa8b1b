import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// What every page carries for its live updates (docs/dashboard.md, "Live updates"): the event
/// stream's address, the refresh control linking to the page itself, the `#page` fragment the
/// page script swaps in, and the history exports, escaped for any server name.
@Suite(.tags(.postgres)) struct LivePageTests {
    static let hostile = "<script>alert(1)</script>"
    static let pages = [
        "/", "/overview", "/history?server=\(SeededFleet.healthy)&range=6h", "/users?sort=cpu", "/servers/\(SeededFleet.healthy)", "/alerts",
    ]

    @Test func everyPageSubscribesAndHasARefreshControlToItself() async throws {
        try await RendererHarness.run { _, client in
            for uri in Self.pages {
                let page = try await client.page(uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.body.contains("data-events=\"/api/events\" data-live=\"on\""), "\(uri)")
                let link = "<a class=\"ghost refresh-link\" id=\"page-refresh\" href=\"\(HTML.escaped(uri))\">Refresh</a>"
                #expect(page.count(link) == 1, "\(uri): \(link)")
                #expect(page.body.contains("<div id=\"toasts\" class=\"toasts\" role=\"status\" aria-live=\"polite\"></div>"), "\(uri)")
                #expect(!page.body.contains("id=\"stale-banner\""), "\(uri)")
                #expect(page.headers[.init("Vary")!] == "X-Fragment", "\(uri)")
            }
            // A fixed window cannot change with a collection: alerts are toasted, nothing is refreshed.
            let fixed = try await client.page("/history?server=\(SeededFleet.healthy)&from=2026-01-01T00:00&to=2026-01-02T00:00")
            #expect(fixed.body.contains("data-events=\"/api/events\" data-live=\"off\""))
        }
    }

    @Test func theFragmentIsTheTitleAndThePageOnly() async throws {
        try await RendererHarness.run { _, client in
            let whole = try await client.page("/")
            let fragment = try await client.page("/", headers: [.init("X-Fragment")!: "page"])
            #expect(fragment.status == .ok)
            #expect(fragment.body.hasPrefix("<title>Servers · Server Dashboard</title><div id=\"page\">"))
            #expect(fragment.body.hasSuffix("</footer></div>"))
            #expect(!fragment.body.contains("<head>") && !fragment.body.contains("<nav") && !fragment.body.contains("<script"))
            #expect(fragment.bytes.count < whole.bytes.count)
            // The same cards as the whole page.
            for name in SeededFleet.names { #expect(fragment.card(name) != nil, "\(name)") }
            // An unknown server's fragment is its 404 page, as the whole page is.
            let missing = try await client.page("/servers/no-such-server", headers: [.init("X-Fragment")!: "page"])
            #expect(missing.status == .notFound)
            #expect(missing.body.hasPrefix("<title>Not found · Server Dashboard</title><div id=\"page\">"))
        }
    }

    @Test func theRefreshControlNeverLinksAway() {
        #expect(PageContext(address: "//evil.example/x").address == "/")
        #expect(PageContext(address: "/\\evil.example/x").address == "/")
        #expect(PageContext(address: "https://evil.example/").address == "/")
        #expect(PageContext(address: "/users?q=a%22b").address == "/users?q=a%22b")
        let page = Layout.page(
            Layout.Frame(title: "t", section: .none, refreshSeconds: 30, unavailable: nil, now: Date(), address: "/users?q=\"><script>"), content: "x")
        #expect(page.markup.contains("href=\"/users?q=&quot;&gt;&lt;script&gt;\">Refresh</a>"))
    }

    @Test func exportLinksAreEscapedForAHostileServerName() {
        let from = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        let links = HistoryView.exports(server: Self.hostile, from: from, to: from.addingTimeInterval(3600)).markup
        let path = "/api/servers/%3Cscript%3Ealert%281%29%3C%2Fscript%3E/metrics/history"
        let query = "?from=2026-01-01T00%3A00%3A00.000Z&amp;to=2026-01-01T01%3A00%3A00.000Z"
        #expect(links.contains("href=\"\(path).csv\(query)\" download data-export=\"CSV\""), "\(links)")
        #expect(links.contains("href=\"\(path).xlsx\(query)\" download data-export=\"Excel\""), "\(links)")
        #expect(!links.contains("<script"))
    }

    @Test func historyAndServerPagesLinkTheirExports() async throws {
        try await RendererHarness.run { _, client in
            let history = try await client.page("/history?server=\(SeededFleet.healthy)&range=6h")
            #expect(history.body.contains("<p class=\"exports\" id=\"exports\">Export this window: "))
            #expect(history.body.contains("/api/servers/\(SeededFleet.healthy)/metrics/history.csv?from="))
            #expect(history.body.contains("/api/servers/\(SeededFleet.healthy)/metrics/history.xlsx?from="))
            let critical = SeededFleet.critical.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let server = try await client.page("/servers/\(critical)")
            #expect(server.status == .ok)
            #expect(server.body.contains("Export the last 24 hours: "))
            #expect(server.body.contains("href=\"/api/servers/\(URLEncoding.component(SeededFleet.critical))/metrics/history.xlsx?from="))
        }
    }
}

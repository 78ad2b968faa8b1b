import DashboardCore
import Testing

@testable import FrontendRenderer

/// The tag list every page uses (`Components.tags`, the one the server page calls) and the
/// filter's parsing, without any service.
struct TagsComponentTests {
    @Test func tagsAreEscapedBoundedAndLinkToTheirFilter() {
        #expect(Components.tags([]).description.isEmpty)
        let hostile = "\"><script>alert(1)</script>"
        let html = Components.tags(["db", hostile]).description
        #expect(html.hasPrefix("<p class=\"tags\"><span class=\"defs\">Tags:</span> <a href=\"/?tag=db\">db</a>"))
        #expect(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("href=\"/?tag=%22%3E%3Cscript%3E"))
        // At most eight tags, each shown at most 64 bytes long (the link keeps the whole tag).
        let many = (1...20).map { "tag\($0)" }
        #expect(Components.tags(many).description.components(separatedBy: "<a ").count - 1 == Components.maximumTags)
        let long = String(repeating: "é", count: 100)
        let shown = Components.tags([long], path: "/users").description
        #expect(shown.contains(">" + String(repeating: "é", count: 32) + "</a>"))
        #expect(shown.contains("href=\"/users?tag=" + String(repeating: "%C3%A9", count: 100) + "\""))
    }

    @Test func filterParsesAndLinks() throws {
        let filter = try FleetFilter(PageQuery(query: "tag=a+b&status=critical&q=Web&view=compact&sort=-disk"), dashboard: true)
        #expect(filter.tag == "a b" && filter.status == .critical && filter.search == "Web" && filter.view == .compact)
        #expect(filter.sort == FleetFilter.Sort(key: .disk, descending: true))
        #expect(filter.link("/") == "/?tag=a%20b&status=critical&q=Web&view=compact&sort=-disk")
        #expect(filter.link("/") { $0.tag = nil } == "/?status=critical&q=Web&view=compact&sort=-disk")
        // Outside the dashboard, view and sort are not read.
        let overview = try FleetFilter(PageQuery(query: "view=nonsense&sort=nonsense"))
        #expect(overview == FleetFilter())
        #expect(throws: PageError.self) { try FleetFilter(PageQuery(query: "sort=-"), dashboard: true) }
        #expect(throws: PageError.self) { try FleetFilter(PageQuery(query: "status=Critical")) }
    }
}

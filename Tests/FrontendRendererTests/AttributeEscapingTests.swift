import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

@testable import FrontendRenderer

/// Host text in attribute values: a server's name goes into `data-server="…"` (and its host
/// into the page), so `"` must become `&quot;` there, with `<`, `&`, `'` and `>` escaped too.
@Suite(.tags(.postgres, .builtProducts)) struct AttributeEscapingTests {
    /// A name that ends a double-quoted attribute and opens a tag if left unescaped.
    static let hostileName = #"x" onmouseover="alert(1)" <b>&'y"#
    /// Its escaped form.
    static let escapedName = "x&quot; onmouseover=&quot;alert(1)&quot; &lt;b&gt;&amp;&#39;y"
    /// A host with the same characters (the inventory does not check host syntax).
    static let hostileHost = #"h"o<s>t&'1"#

    @Test func interpolatedTextIsEscapedInsideAQuotedAttribute() {
        let name = Self.hostileName
        let fragment: HTML = "<li data-server=\"\(name)\" title='\(name)'>\(name)</li>"
        #expect(fragment.description == "<li data-server=\"\(Self.escapedName)\" title='\(Self.escapedName)'>\(Self.escapedName)</li>")
        #expect(HTML.escaped(#"""#) == "&quot;")
        #expect(HTML.escaped("'") == "&#39;")
        #expect(HTML.escaped("<&>") == "&lt;&amp;&gt;")
    }
}

/// The same name and host through the api and the renderer, on the dashboard and the server page.
@Suite(.tags(.postgres, .builtProducts)) struct AttributeEscapingPageTests {
    @Test func aServerNameAndHostWithQuotesStayInsideTheirAttributesOnThePages() async throws {
        try await RendererHarness.run(seed: { test in
            let ids = try await test.database.servers.sync(inventory: [
                ServerConfig(name: AttributeEscapingTests.hostileName, host: AttributeEscapingTests.hostileHost, username: "u", password: Secret("p"))
            ])
            try await test.database.samples.store(
                makeSample(at: Date().addingTimeInterval(-30)), serverID: try #require(ids[AttributeEscapingTests.hostileName]))
        }) { _, client in
            let dashboard = try await client.page("/")
            #expect(dashboard.status == .ok)
            #expect(dashboard.body.contains("data-server=\"\(AttributeEscapingTests.escapedName)\""), "\(dashboard.body)")
            #expect(!dashboard.body.contains(AttributeEscapingTests.hostileName))
            #expect(!dashboard.body.contains("onmouseover=\""))
            #expect(!dashboard.body.contains("<b>&"))

            let detail = try await client.page("/servers/" + URLEncoding.component(AttributeEscapingTests.hostileName))
            #expect(detail.status == .ok)
            #expect(detail.body.contains("h&quot;o&lt;s&gt;t&amp;&#39;1"), "\(detail.body)")
            #expect(!detail.body.contains(AttributeEscapingTests.hostileHost))
            #expect(!detail.body.contains(AttributeEscapingTests.hostileName))
            #expect(!detail.body.contains("onmouseover=\""))
        }
    }
}

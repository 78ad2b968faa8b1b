import Foundation
import TestSupport
import Testing

@testable import FrontendRenderer

/// The server page shows the server's tags under its heading, escaped, each a link to the
/// dashboard filtered by it (docs/dashboard.md "Tags, filters and the compact view").
@Suite(.tags(.postgres, .builtProducts)) struct ServerPageTagsTests {
    @Test func theServerPageListsItsTagsAsEscapedFilterLinks() async throws {
        try await RendererHarness.run(seed: FleetFilterTests.seedWithTags) { _, client in
            let web = try await client.page("/servers/\(SeededFleet.healthy)")
            #expect(web.status == .ok)
            #expect(web.body.contains("<p class=\"tags\"><span class=\"defs\">Tags:</span> <a href=\"/?tag=web\">web</a> <a href=\"/?tag=eu\">eu</a></p>"))

            let critical = try await client.page("/servers/" + SeededFleet.critical.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(critical.status == .ok)
            #expect(critical.body.contains(">&lt;img src=x onerror=alert(1)&gt;</a>"))
            #expect(!critical.body.contains("<img src=x"))

            let untagged = try await client.page("/servers/\(SeededFleet.stale)")
            #expect(untagged.status == .ok)
            #expect(!untagged.body.contains("class=\"tags\""))
        }
    }
}

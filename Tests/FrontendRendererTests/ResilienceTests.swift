import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import FrontendRenderer

/// What the renderer does when the api is down or slow, for unknown pages, and what it
/// serves itself: static assets, security headers and its health check.
@Suite struct ResilienceTests {
    static let pages = ["/", "/overview", "/history", "/history?server=web-01", "/users", "/servers/web-01", "/alerts"]

    @Test func apiDownGivesEveryPageA503BannerNotABlankPage() async throws {
        let app = try RendererHarness.renderer(apiURL: "http://127.0.0.1:\(try unusedPort())")
        try await app.test(.router) { client in
            for uri in Self.pages {
                let page = try await client.page(uri)
                #expect(page.status == .serviceUnavailable, "\(uri)")
                #expect(page.headers[.retryAfter] == "5")
                #expect(
                    page.body.contains(
                        "<div class=\"banner\" id=\"api-banner\" role=\"alert\"><strong>The api is unavailable</strong> — it cannot be reached at 127.0.0.1:"),
                    "\(uri)")
                #expect(page.body.contains("<nav aria-label=\"Sections\">"))
                #expect(page.body.hasSuffix("</body></html>"))
                // The time spent is split between waiting for the (refusing) api and rendering.
                let timing = try #require(page.headers[.init("Server-Timing")!], "\(uri)")
                #expect(timing.wholeMatch(of: /api;dur=\d+\.\d{3}, render;dur=\d+\.\d{3}, total;dur=\d+\.\d{3}/) != nil, "\(timing)")
            }
            let download = try await client.page("/users.csv")
            #expect(download.status == .serviceUnavailable)
            #expect(download.body.contains("id=\"api-banner\""))
        }
    }

    @Test func aSlowApiTimesOutIntoTheSameBanner() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let app = try RendererHarness.renderer(apiURL: "http://127.0.0.1:\(silent.port)", environment: ["API_TIMEOUT_SECONDS": "0.5"])
        try await app.test(.router) { client in
            let started = Date()
            let page = try await client.page("/")
            #expect(page.status == .serviceUnavailable)
            #expect(page.body.contains("it did not answer within 0.5 s"))
            // Without the timeout the silent api would hold the page forever; the bound is loose
            // because a loaded machine stretches every wall-clock figure.
            #expect(Date().timeIntervalSince(started) < 30)
        }
    }

    @Test func unknownPagesAre404PagesAndAssetsAreServedWithHeaders() async throws {
        let app = try RendererHarness.renderer(apiURL: "http://127.0.0.1:\(try unusedPort())")
        try await app.test(.router) { client in
            let missing = try await client.page("/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.body.contains("<h1>Not found</h1>"))
            #expect(missing.headers[.contentType] == "text/html; charset=utf-8")

            let home = try await client.page("/")
            #expect(home.headers[.xContentTypeOptions] == "nosniff")
            let policy = try #require(home.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
            // One script, same-origin, no inline script or style anywhere.
            #expect(home.count("<script") == 1)
            #expect(home.body.contains("<script src=\"\(StaticAssets.script.url)\"></script>"))
            #expect(!home.body.contains("style="))
            #expect(!home.body.contains("http://") && !home.body.contains("https://"))

            for asset in StaticAssets.all {
                let versioned = try await client.page(asset.url)
                #expect(versioned.status == .ok)
                #expect(versioned.headers[.contentType] == asset.contentType)
                #expect(versioned.headers[.cacheControl] == "public, max-age=31536000, immutable")
                let etag = try #require(versioned.headers[.eTag])
                let revalidated = try await client.page("/static/\(asset.name)", headers: [.ifNoneMatch: etag])
                #expect(revalidated.status == .notModified)
            }
            let script = try await client.page("/static/app.js")
            #expect(script.body.contains("localStorage") && script.body.contains("data-refresh"))
            #expect(try await client.page("/static/../Package.swift").status == .notFound)

            let health = try await client.page("/healthz")
            #expect(health.status == .ok && health.body.contains("\"healthy\""))
        }
    }
}

/// The `Server-Timing` figures' format.
@Suite struct ServerTimingTests {
    @Test func durationsAreMillisecondsWithThreeDecimals() {
        typealias Middleware = ServerTimingMiddleware<BasicRequestContext>
        #expect(Middleware.milliseconds(.microseconds(1234)) == "1.234")
        #expect(Middleware.milliseconds(.milliseconds(12)) == "12.000")
        #expect(Middleware.milliseconds(.microseconds(5)) == "0.005")
        #expect(Middleware.milliseconds(.microseconds(50)) == "0.050")
    }
}

import FoundationEssentials
import Hummingbird
import Logging

/// Turns a page's content builder into an answer: 200 with the page, or — when the api
/// is unavailable — the same frame with a banner and status 503, a 404 page when the api
/// knows no such server, a 400 page for bad parameters. Never a blank page.
///
/// A page whose figures the api served from its last known fleet (the database is away) is
/// still a 200, under the stale banner. An `X-Fragment: page` request (the page script's
/// in-place refresh) gets only the title and `#page` (docs/dashboard.md, "Live updates").
struct PageRenderer: Sendable {
    let api: APIClient
    let refreshSeconds: Int
    /// How often the collector runs, in seconds (charts join samples up to twice this apart).
    let collectionInterval: Double

    /// Renders `title` in `section` from the content `build` produces; `live: false` for a page
    /// the live events cannot change (a history with a fixed window).
    func respond(
        title: String, section: Layout.Section, live: Bool = true,
        _ build: (Date) async throws -> HTML
    ) async throws -> HTMLResponse {
        let now = Date()
        let context = PageContext.current ?? PageContext()
        do {
            let content = try await build(now)
            var frame = frame(title, section, now, context: context)
            frame.live = live
            frame.stale = context.stale
            return Self.answer(.ok, frame, content, context: context)
        } catch let error as APIClientError {
            switch error.kind {
            case .unavailable:
                var frame = frame(title, section, now, context: context)
                frame.unavailable = error
                frame.live = live
                let content: HTML = """
                    <h1>\(title)</h1>\
                    \(Components.emptyState(id: "api-unavailable", "No figures can be shown while the api is unavailable."))
                    """
                return Self.answer(.serviceUnavailable, frame, content, context: context, retryAfter: 5)
            case .notFound:
                return errorPage(PageError.notFound(error.message), section: section, now: now)
            case .badRequest:
                return errorPage(PageError.badRequest(error.message), section: section, now: now)
            }
        } catch let error as PageError {
            return errorPage(error, section: section, now: now)
        }
    }

    /// An error page in the layout.
    func errorPage(_ error: PageError, section: Layout.Section = .none, now: Date = Date()) -> HTMLResponse {
        Self.errorPage(error, section: section, refreshSeconds: 0, now: now)
    }

    static func errorPage(_ error: PageError, section: Layout.Section, refreshSeconds: Int, now: Date) -> HTMLResponse {
        let content: HTML = """
            <div class="panel error-page" data-status-code="\(Int(error.status.code))"><h1>\(error.title)</h1>\
            <p>\(error.message)</p><p><a href="/">Back to the dashboard</a></p></div>
            """
        let context = PageContext.current ?? PageContext()
        var frame = Layout.Frame(title: error.title, section: section, refreshSeconds: refreshSeconds, unavailable: nil, now: now)
        frame.address = context.address
        return answer(error.status, frame, content, context: context)
    }

    /// The whole page, or only its fragment when the page script asked for it.
    private static func answer(
        _ status: HTTPResponse.Status, _ frame: Layout.Frame, _ content: HTML, context: PageContext, retryAfter: Int? = nil
    ) -> HTMLResponse {
        let page = context.fragment ? Layout.fragment(frame, content: content) : Layout.page(frame, content: content)
        return HTMLResponse(status: status, page, retryAfter: retryAfter)
    }

    private func frame(_ title: String, _ section: Layout.Section, _ now: Date, context: PageContext) -> Layout.Frame {
        var frame = Layout.Frame(title: title, section: section, refreshSeconds: refreshSeconds, unavailable: nil, now: now)
        frame.address = context.address
        return frame
    }
}

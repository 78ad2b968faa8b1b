import FoundationEssentials
import Hummingbird
import Logging

/// Turns a page's content builder into an answer: 200 with the page, or — when the api
/// is unavailable — the same frame with a banner and status 503, a 404 page when the api
/// knows no such server, a 400 page for bad parameters. Never a blank page.
struct PageRenderer: Sendable {
    let api: APIClient
    let refreshSeconds: Int
    /// How often the collector runs, in seconds (charts join samples up to twice this apart).
    let collectionInterval: Double

    /// Renders `title` in `section` from the content `build` produces.
    func respond(
        title: String, section: Layout.Section,
        _ build: (Date) async throws -> HTML
    ) async throws -> HTMLResponse {
        let now = Date()
        do {
            let content = try await build(now)
            return HTMLResponse(Layout.page(frame(title, section, now), content: content))
        } catch let error as APIClientError {
            switch error.kind {
            case .unavailable:
                var frame = frame(title, section, now)
                frame.unavailable = error
                let content: HTML = """
                    <h1>\(title)</h1>\
                    \(Components.emptyState(id: "api-unavailable", "No figures can be shown while the api is unavailable."))
                    """
                return HTMLResponse(status: .serviceUnavailable, Layout.page(frame, content: content), retryAfter: 5)
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
        let frame = Layout.Frame(title: error.title, section: section, refreshSeconds: refreshSeconds, unavailable: nil, now: now)
        return HTMLResponse(status: error.status, Layout.page(frame, content: content))
    }

    private func frame(_ title: String, _ section: Layout.Section, _ now: Date) -> Layout.Frame {
        Layout.Frame(title: title, section: section, refreshSeconds: refreshSeconds, unavailable: nil, now: now)
    }
}

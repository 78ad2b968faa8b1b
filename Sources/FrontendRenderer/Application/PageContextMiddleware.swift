import Hummingbird

/// Gives every request its ``PageContext``: the address its refresh control links to and
/// whether the page script asked for the `#page` fragment only (`X-Fragment: page`).
/// Fragment answers vary with that header (`Vary: X-Fragment`).
struct PageContextMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let page = PageContext(address: request.uri.description, fragment: request.headers[.init("X-Fragment")!] == "page")
        var response = try await PageContext.$current.withValue(page) {
            try await next(request, context)
        }
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers[.init("Vary")!] = "X-Fragment"
        }
        return response
    }
}

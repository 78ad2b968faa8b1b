import FoundationEssentials
import Hummingbird
import Logging

/// Turns whatever escapes a route into an HTML error page: Hummingbird's own errors
/// (unknown path, wrong method) with their status, anything else as 500 — logging the
/// cause, never showing it.
struct ErrorPageMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PageError {
            return try page(error, request, context)
        } catch let error as HTTPError {
            let message =
                switch error.status {
                case .notFound: "There is no page at this address."
                case .methodNotAllowed: "This page only answers GET."
                default: error.status.reasonPhrase
                }
            return try page(PageError(status: error.status, message: message), request, context)
        } catch {
            context.logger.error("unexpected error while rendering", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            return try page(
                PageError(status: .internalServerError, message: "This page could not be rendered; the error is in the frontend-renderer's log."), request,
                context)
        }
    }

    private func page(_ error: PageError, _ request: Request, _ context: Context) throws -> Response {
        try PageRenderer.errorPage(error, section: .none, refreshSeconds: 0, now: Date()).response(from: request, context: context)
    }
}

/// Headers every answer carries: no MIME sniffing, and a Content-Security-Policy that
/// allows only same-origin script and style (no inline script), so it holds without nginx too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        return response
    }
}

import Hummingbird

/// Cross-origin reads for browsers on other origins — off unless `CORS_ALLOWED_ORIGINS`
/// names origins (or `*`). Only GET/HEAD are allowed, and never with credentials.
struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: Set<String>

    init(origins: [String]) {
        allowedOrigins = Set(origins)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], let allowed = allowedValue(for: origin) else {
            return try await next(request, context)
        }
        if request.method == .options {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: allowed, .accessControlAllowMethods: "GET, HEAD, OPTIONS",
                    .accessControlAllowHeaders: "Accept, Accept-Encoding, If-None-Match", .accessControlMaxAge: "600", .vary: "Origin",
                ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowed
        response.headers[.accessControlExposeHeaders] = "ETag, Content-Disposition, Warning, X-Stale-Since, X-Data-As-Of"
        response.headers[values: .vary].append("Origin")
        return response
    }

    private func allowedValue(for origin: String) -> String? {
        if allowedOrigins.contains("*") { return "*" }
        return allowedOrigins.contains(origin) ? origin : nil
    }
}

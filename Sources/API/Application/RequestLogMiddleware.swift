import Hummingbird
import Logging

/// One structured log line per answered request: method, path, status and duration.
/// The query string is left out (it is the caller's, and may be long).
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(level: response.status.code >= 500 ? .warning : level, "request", metadata: [
            "http.method": "\(request.method.rawValue)",
            "http.path": "\(request.uri.path)",
            "http.status": "\(response.status.code)",
            "http.duration_ms": "\((milliseconds * 10).rounded() / 10)",
        ])
        return response
    }
}

import Hummingbird
import Logging

/// One structured log line per answered request: method, path, status and duration.
/// The query string is left out (it is the caller's, and may be long).
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        Self.log(
            logger: context.logger, level: level, method: request.method, path: request.uri.path,
            status: response.status, elapsed: ContinuousClock.now - started
        )
        return response
    }

    /// The request's line: at `level`, or at warning for a 5xx.
    static func log(logger: Logger, level: Logger.Level, method: HTTPRequest.Method, path: String, status: HTTPResponse.Status, elapsed: Duration) {
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.log(
            level: status.code >= 500 ? .warning : level, "request",
            metadata: [
                "http.method": "\(method.rawValue)",
                "http.path": "\(path)",
                "http.status": "\(status.code)",
                "http.duration_ms": "\((milliseconds * 10).rounded() / 10)",
            ])
    }
}

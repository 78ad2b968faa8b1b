import Hummingbird

/// Adds `Server-Timing: api;dur=…, render;dur=…, total;dur=…` (milliseconds) to every
/// answer, so an operator's browser tools — and `make bench-pages` — show how long the
/// renderer itself took, apart from the api it waited for.
struct ServerTimingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let timing = PageTiming()
        let start = ContinuousClock.now
        var response = try await PageTiming.$current.withValue(timing) {
            try await next(request, context)
        }
        let total = start.duration(to: .now)
        let api = timing.apiTime
        response.headers[.init("Server-Timing")!] =
            "api;dur=\(Self.milliseconds(api)), render;dur=\(Self.milliseconds(total - api)), total;dur=\(Self.milliseconds(total))"
        return response
    }

    /// Milliseconds with three decimals.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let whole = micros / 1000, fraction = micros % 1000
        return "\(whole)." + String(repeating: "0", count: fraction < 10 ? 2 : fraction < 100 ? 1 : 0) + "\(fraction)"
    }
}

import Hummingbird
import Metrics
import Synchronization

/// Records the api's own request metrics through swift-metrics, under the names and
/// dimensions of Hummingbird's `MetricsMiddleware` (`hb.requests`, `hb.request.errors`,
/// `http.server.request.duration`, `http.server.active_requests`).
///
/// Unlike Hummingbird's, it records when the handler has answered rather than after the
/// body has been written: wrapping the body in a post-write closure turns a one-buffer
/// answer into a streamed one, which Hummingbird then writes in three steps (head, body,
/// end) instead of one. The duration therefore leaves out the time the socket takes to accept the bytes.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let handles: RequestMetricHandles

    /// Records into `handles` (shared with ``LatestMetricsChannelHandler``, which answers
    /// latest-metrics polls before they reach the router).
    init(handles: RequestMetricHandles = RequestMetricHandles()) {
        self.handles = handles
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let active = handles.activeRequests(method: request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let route = handles.route(RouteKey(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
            route.requests.increment()
            route.duration.recordNanoseconds(Self.nanoseconds(since: started))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = handles.route(RouteKey(route: context.endpointPath ?? "NotFound", method: request.method, status: status))
            route.requests.increment()
            route.errors.increment()
            throw error
        }
    }

    /// Nanoseconds from `start` until now, as the duration timer records them.
    static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }
}

/// What one route's metrics are kept under.
struct RouteKey: Hashable, Sendable {
    let route: String
    let method: HTTPRequest.Method
    let status: HTTPResponse.Status
}

/// The metric objects of each route, method and status, created once: looking them up in
/// the metrics factory on every request would cost a registry lookup each.
final class RequestMetricHandles: Sendable {
    /// The metrics of one route, method and status.
    struct Route: Sendable {
        let requests: Counter
        let errors: Counter
        let duration: Timer
    }

    /// How many latest-metrics polls ``LatestMetricsChannelHandler`` answered itself
    /// (they are counted in `hb.requests` too; this tells the two paths apart in tests).
    let answeredOnEventLoop = Atomic<Int>(0)

    private let routes = Mutex<[RouteKey: Route]>([:])
    private let active = Mutex<[HTTPRequest.Method: Meter]>([:])
    private let factory: (any MetricsFactory)?

    /// Records through `factory`, or through the process's bootstrapped swift-metrics factory when `nil`.
    init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    /// The in-flight request gauge for `method`.
    func activeRequests(method: HTTPRequest.Method) -> Meter {
        active.withLock { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(
                label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)], factory: factory ?? MetricsSystem.factory)
            meters[method] = meter
            return meter
        }
    }

    /// The metrics for `key`.
    func route(_ key: RouteKey) -> Route {
        routes.withLock { routes in
            if let route = routes[key] { return route }
            let factory = self.factory ?? MetricsSystem.factory
            let dimensions = [("http.route", key.route), ("http.request.method", key.method.rawValue), ("http.response.status_code", String(key.status.code))]
            let route = Route(
                requests: Counter(label: "hb.requests", dimensions: dimensions, factory: factory),
                errors: Counter(
                    label: "hb.request.errors", dimensions: [dimensions[0], dimensions[1], ("error.type", String(key.status.code))], factory: factory),
                duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
            )
            routes[key] = route
            return route
        }
    }
}

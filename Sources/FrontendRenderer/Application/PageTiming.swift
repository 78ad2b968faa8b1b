import Synchronization

/// Where one request's time went: waiting for the api, and everything else (decoding the
/// api's JSON, building the HTML, the response) — reported as a `Server-Timing` header by
/// ``ServerTimingMiddleware``.
///
/// The api time is the wall time during which at least one api request of the page was
/// in flight, so the concurrent requests a page makes are not counted twice.
final class PageTiming: Sendable {
    /// The timing of the request being handled, for the ``APIClient`` to report into.
    @TaskLocal static var current: PageTiming?

    private struct State {
        var inFlight = 0
        var since = ContinuousClock.now
        var api = Duration.zero
    }

    private let state = Mutex(State())

    /// An api request starts.
    func apiStarted() {
        state.withLock { state in
            if state.inFlight == 0 { state.since = .now }
            state.inFlight += 1
        }
    }

    /// An api request has its answer (or failed).
    func apiFinished() {
        state.withLock { state in
            state.inFlight -= 1
            if state.inFlight == 0 { state.api += state.since.duration(to: .now) }
        }
    }

    /// The time spent waiting for the api so far.
    var apiTime: Duration {
        state.withLock { state in
            state.inFlight > 0 ? state.api + state.since.duration(to: .now) : state.api
        }
    }
}

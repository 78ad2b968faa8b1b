#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs blocking work (a libcurl transfer) on a thread of its own and awaits the result,
/// so the Swift cooperative thread pool never waits on the network.
///
/// A thread per call: notifications are few and each transfer lasts up to
/// `NOTIFY_TIMEOUT_SECONDS`, so starting a thread (tens of microseconds) costs nothing
/// next to it, and concurrent sends never queue behind a slow receiver.
enum DedicatedThread {
    /// Runs `work` on a new detached thread and returns its result.
    static func run<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: work()) }
        }
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        let started = pthread_create(
            &thread, &attributes,
            { context in
                guard let context else { return nil }
                Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
        if started != 0 {
            // No thread to be had (the process is at its limit): do the work here rather than lose it.
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
        }
    }
}

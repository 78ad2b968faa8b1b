import Synchronization

/// A ``CachedBody`` encoded when first asked for, rather than when its data is read: the
/// fleet's re-read after a collection run would otherwise wait for the encoding and
/// compression of every server's latest figures (about 18 ms at 1,000 servers) before the
/// live `collection` event could go out, and encoding it in the background right away
/// slowed that event's delivery to 1,000 streams as much (docs/benchmarks.md,
/// "make bench-events"). Nothing is encoded for a fleet nobody asks about.
final class DeferredBody: Sendable {
    private let encode: @Sendable () throws -> CachedBody
    private let encoded = Mutex<Result<CachedBody, any Error>?>(nil)

    /// A body that `encode` makes when it is first asked for.
    init(_ encode: @escaping @Sendable () throws -> CachedBody) {
        self.encode = encode
    }

    /// The body, encoded now unless it has been already; rethrows the encoding's error.
    func body() throws -> CachedBody {
        if let done = encoded.withLock({ $0 }) { return try done.get() }
        let made = Result { try encode() }
        // Two first callers may both encode; the first result stored is the one kept.
        return try encoded.withLock { stored in
            if let stored { return stored }
            stored = made
            return made
        }.get()
    }

    /// The body if it has been encoded already (and could be): for callers that must not wait.
    var ifEncoded: CachedBody? {
        encoded.withLock { $0.flatMap { try? $0.get() } }
    }
}

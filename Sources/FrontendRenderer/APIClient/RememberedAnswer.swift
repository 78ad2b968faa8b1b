import Synchronization

/// The last answer of one api endpoint with its entity tag, decoded, per api address: what a
/// conditional GET reuses on a 304 (``APIClient/get(_:_:remembering:)``).
final class RememberedAnswer<Value: Sendable>: Sendable {
    private let kept = Mutex<(baseURL: String, etag: String, value: Value)?>(nil)

    init() {}

    /// The answer kept for the api at `baseURL`, if any.
    func value(for baseURL: String) -> (etag: String, value: Value)? {
        kept.withLock { entry in
            guard let entry, entry.baseURL == baseURL else { return nil }
            return (entry.etag, entry.value)
        }
    }

    /// Keeps `value`, the answer tagged `etag` of the api at `baseURL`.
    func keep(_ value: Value, etag: String, for baseURL: String) {
        kept.withLock { $0 = (baseURL, etag, value) }
    }
}

import Foundation

/// Set when the awaiting task is cancelled; the blocking worker checks it between waits.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    /// Marks the run as cancelled.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// Whether the run was cancelled.
    var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}

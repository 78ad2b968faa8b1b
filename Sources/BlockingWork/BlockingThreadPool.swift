import Foundation

/// A small pool of dedicated threads for blocking work (libssh2 sessions, child processes,
/// libcurl transfers),
/// so that it never occupies Swift's cooperative thread pool.
///
/// Threads start on demand up to `maximumThreads` and stop after `idleTimeout` without work;
/// work beyond the maximum waits in order.
public final class BlockingThreadPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var queueHead = 0
    private var threadCount = 0
    private var idleCount = 0
    private let maximumThreads: Int
    private let idleTimeout: TimeInterval
    private let name: String

    /// Creates a pool of at most `maximumThreads` threads named `name`.
    public init(name: String, maximumThreads: Int, idleTimeout: TimeInterval = 10) {
        self.name = name
        self.maximumThreads = max(1, maximumThreads)
        self.idleTimeout = idleTimeout
    }

    /// Runs `work` on a pool thread.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(work)
        let waiting = queue.count - queueHead
        if waiting > idleCount && threadCount < maximumThreads {
            threadCount += 1
            let thread = Thread { [self] in workerLoop() }
            thread.name = "\(name)-\(threadCount)"
            thread.start()
        } else {
            condition.signal()
        }
        condition.unlock()
    }

    /// Runs `work` on a pool thread and returns its result to the awaiting task.
    public func run<Success: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () -> Result<Success, Failure>
    ) async -> Result<Success, Failure> {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: work()) }
        }
    }

    private func workerLoop() {
        while true {
            condition.lock()
            while queueHead == queue.count {
                idleCount += 1
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleTimeout))
                idleCount -= 1
                if !signalled && queueHead == queue.count {
                    threadCount -= 1
                    condition.unlock()
                    return
                }
            }
            let work = queue[queueHead]
            queueHead += 1
            if queueHead == queue.count {
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
            }
            condition.unlock()
            work()
        }
    }
}

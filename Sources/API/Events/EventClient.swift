import NIOCore
import Synchronization

/// One open event stream's queue (docs/api.md "Live events"): what ``EventHub`` has sent it
/// and its writer has not yet taken. The queue is bounded in bytes; a client whose queue
/// would grow past the bound is not reading and is dropped instead of buffered.
final class EventClient: Sendable {
    /// What the writer gets next.
    enum Next {
        /// Everything queued, in order, as one buffer.
        case bytes(ByteBuffer)
        /// The stream ends cleanly (the api is shutting down): write the end and close.
        case finished
        /// The client fell too far behind and was dropped: close without ending cleanly.
        case dropped
    }

    private struct State {
        var queue: [ByteBuffer] = []
        var queuedBytes = 0
        var ending: Next?
        var waiter: CheckedContinuation<Next, Never>?
        var cancelled = false
    }

    /// The hub's number for this client.
    let id: UInt64
    /// The most bytes the queue may hold.
    let queueLimit: Int
    private let state = Mutex(State())
    /// Yields once when the client is dropped, so a writer stuck in a socket write is cancelled.
    let dropSignal: AsyncStream<Void>
    private let dropContinuation: AsyncStream<Void>.Continuation

    init(id: UInt64, queueLimit: Int) {
        self.id = id
        self.queueLimit = queueLimit
        (dropSignal, dropContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `buffer`; returns `false` (and drops the client) when the queue would pass its limit.
    func enqueue(_ buffer: ByteBuffer) -> Bool {
        let (waiter, accepted): (CheckedContinuation<Next, Never>?, Bool) = state.withLock { state in
            guard state.ending == nil else { return (nil, true) }
            if state.queuedBytes + buffer.readableBytes > queueLimit {
                state.queue = []
                state.queuedBytes = 0
                state.ending = .dropped
                let waiter = state.waiter
                state.waiter = nil
                return (waiter, false)
            }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, true)
            }
            state.queue.append(buffer)
            state.queuedBytes += buffer.readableBytes
            return (nil, true)
        }
        if !accepted {
            waiter?.resume(returning: .dropped)
            dropContinuation.yield()
        } else {
            waiter?.resume(returning: .bytes(buffer))
        }
        return accepted
    }

    /// Ends the stream cleanly once what is queued has been written.
    func finish() {
        let waiter: CheckedContinuation<Next, Never>? = state.withLock { state in
            if state.ending == nil { state.ending = .finished }
            guard state.queue.isEmpty, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: .finished)
    }

    /// Waits for the next bytes (everything queued at once), the clean end or the drop;
    /// a cancelled wait returns `.finished`.
    func next() async -> Next {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Next, Never>) in
                let ready: Next? = state.withLock { state in
                    if case .dropped = state.ending { return .dropped }
                    if !state.queue.isEmpty {
                        var joined = state.queue[0]
                        for buffer in state.queue.dropFirst() { joined.writeImmutableBuffer(buffer) }
                        state.queue = []
                        state.queuedBytes = 0
                        return .bytes(joined)
                    }
                    if let ending = state.ending { return ending }
                    if state.cancelled { return .finished }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Next, Never>? = state.withLock { state in
                state.cancelled = true
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }
            waiter?.resume(returning: .finished)
        }
    }
}

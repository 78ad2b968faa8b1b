import Dispatch
import Foundation
import Synchronization

/// Set once SIGTERM or SIGINT arrives: the run stops starting servers and winds down.
final class StopSignal: @unchecked Sendable {
    private let requested = Atomic<Bool>(false)
    // Written once, by `installSignalHandlers` at start-up; kept only so the sources live.
    private var sources: [any DispatchSourceSignal] = []

    /// Whether a stop was asked for.
    var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Asks the run to stop.
    func request() { requested.store(true, ordering: .releasing) }

    /// Turns SIGTERM and SIGINT into a stop request instead of killing the process.
    /// Call once, before the run starts.
    func installSignalHandlers(onSignal: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                self?.request()
                onSignal(signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}

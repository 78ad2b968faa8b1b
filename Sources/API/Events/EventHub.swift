import FoundationEssentials
import NIOCore
import Prometheus
import Synchronization

/// The live events of `GET /api/events` (docs/api.md "Live events"): numbers each event,
/// keeps the newest ones in a bounded ring for `Last-Event-ID` resume, and hands every
/// event to every open stream's bounded queue (``EventClient``).
///
/// Event ids increase by one per event and start at the hub's creation time in
/// microseconds since 1970, so the ids of a restarted api are larger than any id the
/// previous process sent: a client resuming across a restart gets everything the new
/// process still holds.
final class EventHub: Sendable {
    /// The limits of the hub.
    struct Limits: Sendable {
        /// `EVENTS_MAX_CLIENTS`: the most streams open at once.
        var maximumClients = 1000
        /// How many of the newest events are kept for resume.
        var ringCapacity = 1000
        /// The most bytes one stream may have waiting to be written before it is dropped.
        var clientQueueBytes = 1 << 20
    }

    /// What a new stream starts with.
    struct Connection {
        /// The stream's queue.
        let client: EventClient
        /// `retry: 3000` and the events after the client's `Last-Event-ID`, ready to write.
        let opening: ByteBuffer
    }

    private struct Stored {
        let id: Int64
        let bytes: ByteBuffer
    }

    private struct State {
        var ring: [Stored] = []
        /// Index of the oldest event in `ring` once it is full.
        var ringStart = 0
        var nextID: Int64
        var clients: [UInt64: EventClient] = [:]
        var nextClientID: UInt64 = 0

        /// The ring's events, oldest first.
        var ordered: [Stored] { Array(ring[ringStart...]) + ring[..<ringStart] }
    }

    let limits: Limits
    private let state: Mutex<State>
    private let streamsGauge: Gauge

    /// The opening of every stream: the browser's reconnect delay.
    static let retryLine = "retry: 3000\n\n"
    /// The comment sent to every stream every 15 s, so proxies and clients see it alive.
    static let heartbeat = ": heartbeat\n\n"

    init(limits: Limits = Limits(), registry: PrometheusCollectorRegistry = APIMetrics.registry) {
        self.limits = limits
        let start = Int64(Date().timeIntervalSince1970 * 1_000_000)
        state = Mutex(State(nextID: start))
        streamsGauge = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "server_dashboard_event_streams", unitName: "", helpText: "Live event streams (GET /api/events) open right now."))
    }

    /// Opens a stream, or `nil` when `maximumClients` streams are open. `lastEventID` (the
    /// `Last-Event-ID` header) asks for the events after it that the ring still holds: all of
    /// them when it is older than the ring, none when it is the newest or unknown-newer.
    func connect(lastEventID: Int64?) -> Connection? {
        state.withLock { state -> Connection? in
            guard state.clients.count < limits.maximumClients else { return nil }
            state.nextClientID += 1
            let client = EventClient(id: state.nextClientID, queueLimit: limits.clientQueueBytes)
            state.clients[client.id] = client
            streamsGauge.set(Double(state.clients.count))
            var opening = ByteBuffer(string: Self.retryLine)
            if let lastEventID {
                for event in state.ordered where event.id > lastEventID {
                    opening.writeImmutableBuffer(event.bytes)
                }
            }
            return Connection(client: client, opening: opening)
        }
    }

    /// Forgets a stream that ended.
    func disconnect(_ client: EventClient) {
        state.withLock { state in
            if state.clients.removeValue(forKey: client.id) != nil {
                streamsGauge.set(Double(state.clients.count))
            }
        }
    }

    /// Numbers `data` (one line of JSON) as the next `kind` event, keeps it in the ring and
    /// queues it for every stream; returns its id.
    @discardableResult
    func publish(kind: String, data: String) -> Int64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let bytes = ByteBuffer(string: "id: \(id)\nevent: \(kind)\ndata: \(data)\n\n")
            let event = Stored(id: id, bytes: bytes)
            if state.ring.count < limits.ringCapacity {
                state.ring.append(event)
            } else {
                state.ring[state.ringStart] = event
                state.ringStart = (state.ringStart + 1) % state.ring.count
            }
            Self.send(bytes, in: &state, gauge: streamsGauge)
            return id
        }
    }

    /// Sends the heartbeat comment to every stream.
    func sendHeartbeat() {
        state.withLock { state in
            Self.send(ByteBuffer(string: Self.heartbeat), in: &state, gauge: streamsGauge)
        }
    }

    private static func send(_ bytes: ByteBuffer, in state: inout State, gauge: Gauge) {
        var dropped: [UInt64] = []
        for (id, client) in state.clients where !client.enqueue(bytes) {
            dropped.append(id)
        }
        guard !dropped.isEmpty else { return }
        for id in dropped { state.clients[id] = nil }
        gauge.set(Double(state.clients.count))
    }
}

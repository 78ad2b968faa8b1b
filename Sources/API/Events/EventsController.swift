import APISupport
import DashboardCore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/events`: the live event stream (Server-Sent Events, docs/api.md "Live events").
///
/// The body is written as events arrive and never ends on its own: it ends when the api
/// shuts down gracefully (every stream gets its last chunk, then the connection closes),
/// when the client goes away (noticed at the next write; a heartbeat comes every 15 s),
/// or when the client stops reading and its queue passes its bound (the connection is
/// closed without a clean end: a browser reconnects and resumes with `Last-Event-ID`).
struct EventsController: Sendable {
    let hub: EventHub

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/events", use: stream)
    }

    static let lastEventIDField = HTTPField.Name("Last-Event-ID")!
    static let accelBufferingField = HTTPField.Name("X-Accel-Buffering")!

    /// The 503 beyond `EVENTS_MAX_CLIENTS`.
    static let tooManyStreams = APIError(
        status: .serviceUnavailable, code: "TOO_MANY_EVENT_STREAMS",
        message: "too many live event streams are open; retry later (EVENTS_MAX_CLIENTS)")

    @Sendable func stream(request: Request, context: APIContext) async throws -> Response {
        let lastEventID = request.headers[Self.lastEventIDField].flatMap { Int64($0.trimmingWhitespace()) }
        guard let connection = hub.connect(lastEventID: lastEventID) else {
            var response = try Self.tooManyStreams.response(from: request, context: context)
            response.headers[.retryAfter] = "10"
            return response
        }
        let hub = hub
        let body = ResponseBody { writer in
            let client = connection.client
            defer { hub.disconnect(client) }
            let box = WriterBox(writer)
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await Self.pump(client, opening: connection.opening, into: box) }
                    // A dropped client's writer may be stuck in a write to a full socket:
                    // cancelling it makes that write throw, which closes the connection.
                    group.addTask {
                        for await _ in client.dropSignal { throw EventStreamDropped() }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                client.finish()
            }
            try await box.writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", Self.accelBufferingField: "no",
            ],
            body: body)
    }

    /// Writes the opening, then whatever the hub queues, until the stream ends or is dropped.
    private static func pump(_ client: EventClient, opening: ByteBuffer, into box: WriterBox) async throws {
        try await box.writer.write(opening)
        while true {
            switch await client.next() {
            case .bytes(let bytes): try await box.writer.write(bytes)
            case .finished: return
            case .dropped: throw EventStreamDropped()
            }
        }
    }
}

/// A stream was dropped because its client did not read.
struct EventStreamDropped: Error {}

/// The body writer, shared by the one task that writes events and the task that ends the
/// body: the writing task finishes (its task group is awaited) before the writer is touched again.
private final class WriterBox: @unchecked Sendable {
    var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) {
        self.writer = writer
    }
}

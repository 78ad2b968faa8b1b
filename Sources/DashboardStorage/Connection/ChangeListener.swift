import CLibPQ
import FoundationEssentials
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What a `ChangeListener` reports.
public enum DatabaseChange: Sendable, Equatable {
    /// LISTEN succeeded: every change from now on is reported. Sent at the start and
    /// again after every reconnect; changes made while disconnected are not replayed,
    /// so treat it as "reload everything".
    case subscribed
    /// A statement that changed `table` (one of the dashboard's tables) committed.
    case changed(table: String)
    /// A live event committed on ``ChangeListener/eventChannel`` (migration 0007): `payload`
    /// is its small JSON object (`{"kind":"collection",…}` or `{"kind":"alert",…}`,
    /// docs/api.md "Live events").
    case event(payload: String)
    /// The connection was lost or could not be made; the listener retries by itself.
    /// `reason` says why and never contains a password.
    case unsubscribed(reason: String)
}

/// Listens for the dashboard's change notifications (`LISTEN server_dashboard_changes`)
/// and live events (`LISTEN server_dashboard_events`).
///
/// Migration 0002 makes every statement that writes `servers`, `server_metrics`,
/// `top_users`, `filesystems`, `alerts` or `collection_runs` send a notification whose
/// payload is the table's name; migration 0007 sends a JSON event when a run finishes
/// and when an alert opens, escalates or resolves. Each `changes()` stream has its own libpq connection
/// (not one of the pool's) served by its own thread, which waits on the socket with
/// `poll()` and never blocks Swift's cooperative pool. A lost connection is reported
/// and re-made with exponential backoff; ending the stream closes the connection and
/// ends the thread within a fraction of a second.
public final class ChangeListener: Sendable {
    /// The notification channel the triggers send on.
    public static let channel = "server_dashboard_changes"
    /// The channel migration 0007's row triggers send live events on.
    public static let eventChannel = "server_dashboard_events"

    /// Where to connect; `connectTimeoutSeconds` bounds each attempt.
    public let configuration: DatabaseConfiguration
    /// The first wait before reconnecting; it doubles after each failed attempt.
    public let reconnectDelay: Duration
    /// The longest wait between reconnection attempts.
    public let maximumReconnectDelay: Duration
    private let logger: Logger

    /// Creates a listener; nothing connects until `changes()` is iterated.
    public init(
        configuration: DatabaseConfiguration, logger: Logger,
        reconnectDelay: Duration = .milliseconds(500), maximumReconnectDelay: Duration = .seconds(5)
    ) {
        self.configuration = configuration
        self.logger = logger
        self.reconnectDelay = max(reconnectDelay, .milliseconds(1))
        self.maximumReconnectDelay = max(maximumReconnectDelay, self.reconnectDelay)
    }

    /// Events until the consuming task is cancelled: `.subscribed` each time LISTEN succeeds
    /// (after start and after every reconnect), `.changed` per notification, `.event` per
    /// live event, `.unsubscribed`
    /// when the connection is lost or cannot be made (then it retries with exponential
    /// backoff up to the maximum).
    ///
    /// Every call opens its own connection. The stream keeps the newest 10,000 events
    /// when its consumer falls behind.
    public func changes() -> AsyncStream<DatabaseChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: DatabaseChange.self, bufferingPolicy: .bufferingNewest(10_000))
        let loop = ListenLoop(
            configuration: configuration, logger: logger, continuation: continuation,
            reconnectDelay: reconnectDelay, maximumReconnectDelay: maximumReconnectDelay
        )
        continuation.onTermination = { _ in loop.stop() }
        startThread { loop.run() }
        return stream
    }
}

/// Runs `body` on a detached thread of its own.
private func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
    let context = Unmanaged.passRetained(Body(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
        &thread, nil,
        { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
    guard status == 0 else {
        // Out of threads: as with Foundation's Thread, the process cannot go on.
        Unmanaged<Body>.fromOpaque(context).release()
        fatalError("cannot start the LISTEN thread: \(String(cString: strerror(status)))")
    }
    pthread_detach(thread)
}

/// The listening thread's work: connect, LISTEN, wait for notifications, reconnect.
/// The `PGconn` lives only on that thread; other threads touch nothing but `stopped`.
private final class ListenLoop: Sendable {
    /// How long one `poll()` waits, so a stop is noticed within this time.
    static let pollMilliseconds: Int32 = 200
    /// TCP keepalives so a silently dropped connection (no RST) is noticed in ~25 s.
    static let keepalives: KeyValuePairs<String, String> = [
        "keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5", "keepalives_count": "3",
    ]

    let configuration: DatabaseConfiguration
    let logger: Logger
    let continuation: AsyncStream<DatabaseChange>.Continuation
    let reconnectDelay: Duration
    let maximumReconnectDelay: Duration
    private let stopped = Atomic<Bool>(false)

    init(
        configuration: DatabaseConfiguration, logger: Logger, continuation: AsyncStream<DatabaseChange>.Continuation,
        reconnectDelay: Duration, maximumReconnectDelay: Duration
    ) {
        self.configuration = configuration
        self.logger = logger
        self.continuation = continuation
        self.reconnectDelay = reconnectDelay
        self.maximumReconnectDelay = maximumReconnectDelay
    }

    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    func stop() {
        stopped.store(true, ordering: .releasing)
    }

    /// Runs until `stop()`; then the connection is closed and the stream finished.
    func run() {
        var delay = reconnectDelay
        while !isStopped {
            let connection: ListenConnection
            do {
                connection = try connect()
                try listen(connection.handle)
            } catch {
                guard !isStopped else { break }
                report(.unsubscribed(reason: error.message))
                logger.warning("cannot listen for database changes; retrying", metadata: ["db.error": "\(error.message)", "db.retry_in": "\(delay)"])
                pause(delay)
                delay = min(delay * 2, maximumReconnectDelay)
                continue
            }
            delay = reconnectDelay
            logger.debug("listening for database changes", metadata: ["db.channel": "\(ChangeListener.channel)"])
            report(.subscribed)
            let lostBecause = pump(connection.handle)
            connection.close()
            guard let reason = lostBecause else { break }
            report(.unsubscribed(reason: reason))
            logger.warning("lost the database change listener's connection; reconnecting", metadata: ["db.error": "\(reason)"])
            pause(delay)
            delay = min(delay * 2, maximumReconnectDelay)
        }
        continuation.finish()
    }

    private func report(_ change: DatabaseChange) {
        if case .terminated = continuation.yield(change) {
            stop()
        }
    }

    /// Sleeps for `duration` or until stopped, whichever comes first.
    private func pause(_ duration: Duration) {
        let end = ContinuousClock.now + duration
        while !isStopped {
            let left = ContinuousClock.now.duration(to: end)
            guard left > .zero else { return }
            let slice = min(left, .milliseconds(Int64(Self.pollMilliseconds)))
            let (seconds, attoseconds) = slice.components
            usleep(useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        }
    }

    /// Connects without blocking in libpq, so a stop or the connect timeout ends the attempt.
    private func connect() throws(StorageError) -> ListenConnection {
        let connection = ListenConnection(
            try PostgresConnection.withConnectionParameters(configuration, extra: Self.keepalives) { keywords, values in
                PQconnectStartParams(keywords, values, 1)
            })
        let handle = connection.handle
        // libpq's own connect_timeout does not apply to PQconnectPoll; 0 means "no limit" there too.
        let timeout = Duration.seconds(configuration.connectTimeoutSeconds)
        let deadline = configuration.connectTimeoutSeconds > 0 ? ContinuousClock.now + timeout : nil
        var state = PGRES_POLLING_WRITING
        while true {
            if PQstatus(handle) == CONNECTION_BAD || state == PGRES_POLLING_FAILED {
                throw PostgresConnection.connectionError(handle)
            }
            if state == PGRES_POLLING_OK {
                PostgresConnection.silenceNotices(handle)
                return connection
            }
            let events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT
            while true {
                if isStopped {
                    throw StorageError(kind: .connection, message: "the change listener was stopped")
                }
                if let deadline, ContinuousClock.now >= deadline {
                    throw StorageError(
                        kind: .connection,
                        message:
                            "cannot connect to PostgreSQL at \(PostgresConnection.address(handle)) (no answer within \(timeout)) — is PostgreSQL running there? check DATABASE_URL or the PG* variables"
                    )
                }
                let ready = waitForSocket(handle, events: Int16(events))
                if ready != 0 { break }
            }
            state = PQconnectPoll(handle)
        }
    }

    /// Waits up to `pollMilliseconds` for the connection's socket: > 0 ready (or in error), 0 not yet.
    private func waitForSocket(_ handle: OpaquePointer, events: Int16) -> Int32 {
        let socket = PQsocket(handle)
        guard socket >= 0 else { return 1 }  // libpq has no socket: let it report why
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        let ready = poll(&descriptor, 1, Self.pollMilliseconds)
        if ready < 0 { return errno == EINTR ? 0 : 1 }
        return ready
    }

    /// LISTENs on the event channel, then on the change channel (one statement each).
    private func listen(_ handle: OpaquePointer) throws(StorageError) {
        for channel in [ChangeListener.eventChannel, ChangeListener.channel] {
            let result = PQexec(handle, "LISTEN \(channel)")
            defer { PQclear(result) }
            guard let result, PQresultStatus(result) == PGRES_COMMAND_OK else {
                let message =
                    result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
                    ?? libpqMessage(PQerrorMessage(handle))
                throw StorageError(kind: .connectionLost, message: "cannot LISTEN on PostgreSQL at \(PostgresConnection.address(handle)) (\(message))")
            }
        }
    }

    /// Reports notifications until stopped (returns `nil`) or the connection breaks (returns why).
    private func pump(_ handle: OpaquePointer) -> String? {
        while !isStopped {
            drainNotifications(handle)
            let ready = waitForSocket(handle, events: Int16(POLLIN))
            guard ready > 0 else { continue }
            if PQconsumeInput(handle) == 0 || PQstatus(handle) != CONNECTION_OK {
                return "lost the connection to PostgreSQL at \(PostgresConnection.address(handle)) (\(libpqMessage(PQerrorMessage(handle)))) — reconnecting"
            }
        }
        return nil
    }

    private func drainNotifications(_ handle: OpaquePointer) {
        while let notification = PQnotifies(handle) {
            let channel = String(cString: notification.pointee.relname)
            let payload = notification.pointee.extra.map { String(cString: $0) } ?? ""
            PQfreemem(notification)
            if channel == ChangeListener.channel {
                report(.changed(table: payload))
            } else if channel == ChangeListener.eventChannel {
                report(.event(payload: payload))
            }
        }
    }
}

/// Owns the listening thread's `PGconn`: finished on `close()` or when released, whichever comes first.
private final class ListenConnection {
    private var owned: OpaquePointer?

    init(_ handle: OpaquePointer) {
        owned = handle
    }

    deinit {
        close()
    }

    /// The open handle; only valid until `close()`.
    var handle: OpaquePointer {
        guard let owned else { preconditionFailure("the change listener's connection was used after close()") }
        return owned
    }

    /// Closes the connection now (the backend goes away at once).
    func close() {
        if let owned { PQfinish(owned) }
        owned = nil
    }
}

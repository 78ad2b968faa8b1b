import Logging

/// A small pool of PostgreSQL connections.
///
/// Connections are made on demand up to `poolSize` and reused. A connection that
/// breaks (PostgreSQL restarted, network cut) is dropped, and an operation whose very
/// first statement failed that way on a reused connection is retried once on a fresh
/// one, so callers see at most the genuinely failed attempts after a restart.
public actor ConnectionPool {
    /// Where to connect and how many connections to keep open at most (`poolSize`).
    public let configuration: DatabaseConfiguration
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var closed = false

    /// Creates a pool; nothing connects until the first use.
    public init(configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs `body` with a connection, returning the connection to the pool afterwards.
    public func withConnection<T: Sendable>(
        _ body: @Sendable (PostgresConnection) async throws(StorageError) -> T
    ) async throws(StorageError) -> T {
        var allowRetry = true
        while true {
            let (connection, reused) = try await checkOut()
            let completedBefore = connection.completedStatements
            do throws(StorageError) {
                let value = try await body(connection)
                checkIn(connection)
                return value
            } catch {
                let broken = error.kind == .connectionLost || error.isUnavailable
                checkIn(connection, broken: broken || !connection.isUsable)
                let failedOnFirstStatement = connection.completedStatements == completedBefore
                if broken, reused, allowRetry, failedOnFirstStatement {
                    allowRetry = false
                    logger.info("retrying on a fresh PostgreSQL connection", metadata: ["db.error": "\(error.message)"])
                    continue
                }
                throw error
            }
        }
    }

    /// Runs `body` inside BEGIN … COMMIT on one connection; any error rolls back.
    public func withTransaction<T: Sendable>(
        _ body: @Sendable (PostgresConnection) async throws(StorageError) -> T
    ) async throws(StorageError) -> T {
        try await withConnection { (connection) throws(StorageError) -> T in
            try await connection.query("BEGIN")
            do throws(StorageError) {
                let value = try await body(connection)
                try await connection.query("COMMIT")
                return value
            } catch {
                if connection.isUsable {
                    _ = try? await connection.query("ROLLBACK")
                }
                throw error
            }
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ query: SQLQuery) async throws(StorageError) -> QueryResult {
        try await withConnection { (connection) throws(StorageError) in try await connection.query(query) }
    }

    /// Closes idle connections and refuses further use.
    public func close() {
        closed = true
        idle.removeAll()
        open = 0
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }

    /// Connections currently open (idle or in use).
    public var openConnections: Int { open }

    private func checkOut() async throws(StorageError) -> (PostgresConnection, reused: Bool) {
        while true {
            if closed {
                throw StorageError(kind: .connection, message: "the database pool is shut down")
            }
            if let connection = idle.popLast() {
                return (connection, true)
            }
            if open < configuration.poolSize {
                open += 1
                do {
                    let connection = try await PostgresConnection.connect(configuration)
                    return (connection, false)
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func checkIn(_ connection: PostgresConnection, broken: Bool = false) {
        if broken || closed {
            open = max(0, open - 1)
        } else {
            idle.append(connection)
        }
        wakeOne()
    }

    private func wakeOne() {
        if !waiters.isEmpty {
            waiters.removeFirst().resume()
        }
    }
}

import CLibPQ
import Dispatch
import FoundationEssentials
import Glibc
import Synchronization

/// One libpq connection. It owns its `PGconn` and frees it in `deinit`; every libpq
/// call runs on the connection's own serial queue, never on Swift's cooperative pool.
public final class PostgresConnection: @unchecked Sendable {
    // All access to `handle` happens on `queue`.
    private let handle: OpaquePointer
    private let queue: DispatchQueue
    // Written on `queue`, read from anywhere without waiting for the queue.
    private let statementsCompleted = Atomic<Int>(0)
    private let lost = Atomic<Bool>(false)
    // Used on `queue` only.
    private var statements: PreparedStatementCache
    // Prepared statements evicted or invalidated but not yet deallocated on the server.
    private var unreleased: [String] = []

    private init(handle: OpaquePointer, queue: DispatchQueue, statementCacheSize: Int) {
        self.handle = handle
        self.queue = queue
        statements = PreparedStatementCache(capacity: statementCacheSize)
    }

    deinit {
        PQfinish(handle)
    }

    /// Opens a connection, waiting on a private queue.
    public static func connect(_ configuration: DatabaseConfiguration) async throws(StorageError) -> PostgresConnection {
        let queue = DispatchQueue(label: "server-dashboard.postgres")
        return try await onQueue(queue) { () throws(StorageError) -> PostgresConnection in
            try openBlocking(configuration, queue: queue)
        }
    }

    private static func openBlocking(_ configuration: DatabaseConfiguration, queue: DispatchQueue) throws(StorageError) -> PostgresConnection {
        let handle = try withConnectionParameters(configuration) { keywords, values in
            PQconnectdbParams(keywords, values, 1)
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let error = connectionError(handle)
            PQfinish(handle)
            throw error
        }
        silenceNotices(handle)
        return PostgresConnection(handle: handle, queue: queue, statementCacheSize: configuration.statementCacheSize)
    }

    /// Calls a libpq `…Params` connect function with the settings for `configuration`
    /// (plus `extra` keyword/value pairs) and returns the handle it made, which the caller owns.
    ///
    /// Our defaults come first so that settings inside DATABASE_URL win (libpq applies them in order).
    static func withConnectionParameters(
        _ configuration: DatabaseConfiguration,
        extra: KeyValuePairs<String, String> = [:],
        _ connect: ([UnsafePointer<CChar>?], [UnsafePointer<CChar>?]) -> OpaquePointer?
    ) throws(StorageError) -> OpaquePointer {
        var keywords = ["connect_timeout", "application_name", "options"]
        var values = [String(configuration.connectTimeoutSeconds), configuration.applicationName, "-c TimeZone=UTC -c DateStyle=ISO"]
        for (keyword, value) in extra {
            keywords.append(keyword)
            values.append(value)
        }
        if !configuration.connectionString.isEmpty {
            keywords.append("dbname")
            values.append(configuration.connectionString)
        }
        let handle: OpaquePointer? = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                connect(keywordPointers, valuePointers)
            }
        }
        guard let handle else {
            throw StorageError(kind: .connection, message: "cannot connect to PostgreSQL: libpq could not allocate a connection")
        }
        return handle
    }

    /// NOTICEs ("relation already exists, skipping") are not errors; keeps them off stderr.
    static func silenceNotices(_ handle: OpaquePointer) {
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    /// "host:port" of a connection, for messages.
    static func address(_ handle: OpaquePointer) -> String {
        let host = PQhost(handle).map { String(cString: $0) } ?? "?"
        let port = PQport(handle).map { String(cString: $0) } ?? "?"
        return host.hasPrefix("/") ? "socket \(host)/.s.PGSQL.\(port)" : "\(host):\(port)"
    }

    /// Why a connection attempt failed, with the address and what to check; never the password.
    static func connectionError(_ handle: OpaquePointer) -> StorageError {
        let detail = libpqMessage(PQerrorMessage(handle))
        let lowered = detail.lowercased()
        let hint: String
        if lowered.contains("password authentication failed") || lowered.contains("no password supplied") {
            hint = "check the user and password in DATABASE_URL"
        } else if lowered.contains("does not exist") {
            hint = "check the database name in DATABASE_URL"
        } else {
            hint = "is PostgreSQL running there? check DATABASE_URL or the PG* variables"
        }
        return StorageError(kind: .connection, message: "cannot connect to PostgreSQL at \(address(handle)) (\(detail)) — \(hint)")
    }

    /// How many statements have succeeded on this connection so far.
    public var completedStatements: Int {
        statementsCompleted.load(ordering: .acquiring)
    }

    /// Whether libpq still considers the connection usable.
    /// Read without blocking: it reflects the last statement's outcome, never waits on the queue.
    public var isUsable: Bool {
        !lost.load(ordering: .acquiring)
    }

    /// How many statements this connection holds prepared.
    public var preparedStatements: Int {
        get async {
            await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: self.statements.count) }
            }
        }
    }

    /// Runs one statement with bound parameters and returns its rows.
    ///
    /// The statement is prepared on its first use on this connection and reused after
    /// that (see `PreparedStatementCache`), so PostgreSQL plans it once per connection.
    @discardableResult
    public func query(_ query: SQLQuery) async throws(StorageError) -> QueryResult {
        let encoded = try query.encodedParameters()
        return try await Self.onQueue(queue) { () throws(StorageError) -> QueryResult in
            try self.executeBlocking(query.sql, parameters: encoded, binaryResults: query.binaryResults)
        }
    }

    /// Runs SQL text that may hold several statements and no parameters.
    /// Only for trusted text shipped with the program (migrations); never for values.
    public func unsafeExecuteScript(_ sql: String) async throws(StorageError) {
        try await Self.onQueue(queue) { () throws(StorageError) in
            let result = PQexec(self.handle, sql)
            defer { PQclear(result) }
            try self.check(result)
        }
    }

    private func executeBlocking(_ sql: String, parameters: [String?], binaryResults: Bool) throws(StorageError) -> QueryResult {
        let result: QueryResult
        do throws(StorageError) {
            result = try executeBlockingOnce(sql, parameters: parameters, binaryResults: binaryResults)
        } catch  where error.isStalePreparedPlan && PQtransactionStatus(handle) == PQTRANS_IDLE {
            // A migration changed what the statement returns; it has been forgotten, so
            // this prepares it anew. Inside a transaction the transaction has failed and
            // the caller sees the error; the next use prepares it anew as well.
            result = try executeBlockingOnce(sql, parameters: parameters, binaryResults: binaryResults)
        }
        statementsCompleted.add(1, ordering: .releasing)
        return result
    }

    private func executeBlockingOnce(_ sql: String, parameters: [String?], binaryResults: Bool) throws(StorageError) -> QueryResult {
        let name = try preparedName(sql, parameterCount: parameters.count)
        let result: OpaquePointer? = withOptionalCStringArray(parameters) { pointers in
            guard let name else {
                return PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, binaryResults ? 1 : 0)
            }
            return PQexecPrepared(handle, name, Int32(parameters.count), pointers, nil, nil, binaryResults ? 1 : 0)
        }
        do {
            try check(result)
        } catch {
            PQclear(result)
            if error.isStalePreparedPlan, let name = statements.remove(sql) {
                unreleased.append(name)
            }
            throw error
        }
        return QueryResult(owning: result!)
    }

    /// The name `sql` is prepared under on this connection, preparing it first if needed;
    /// `nil` when it should run unprepared: caching is off, or the transaction has
    /// already failed (PostgreSQL refuses everything but its end, and says so).
    private func preparedName(_ sql: String, parameterCount: Int) throws(StorageError) -> String? {
        guard statements.capacity > 0 else { return nil }
        if let name = statements.name(for: sql) { return name }
        let transaction = PQtransactionStatus(handle)
        guard transaction == PQTRANS_IDLE || transaction == PQTRANS_INTRANS else { return nil }
        let (name, evicted) = statements.reserve()
        if let evicted { unreleased.append(evicted) }
        if transaction == PQTRANS_IDLE {
            releaseUnused()
        }
        let prepared = PQprepare(handle, name, sql, Int32(parameterCount), nil)
        defer { PQclear(prepared) }
        try check(prepared)
        statements.insert(sql, name: name)
        return name
    }

    /// Deallocates statements the cache let go of. Only outside a transaction, so that
    /// a failure here can never abort the caller's transaction; failures are ignored
    /// (the statement dies with the connection anyway).
    private func releaseUnused() {
        for name in unreleased {
            // `name` is one of ours ("sd_<number>"), never outside text.
            PQclear(PQexec(handle, "DEALLOCATE \(name)"))
        }
        unreleased.removeAll()
    }

    private func check(_ result: OpaquePointer?) throws(StorageError) {
        guard let result else {
            throw lostOrFailed(sqlState: nil, message: libpqMessage(PQerrorMessage(handle)))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            throw lostOrFailed(sqlState: sqlState, message: primary ?? libpqMessage(PQresultErrorMessage(result)))
        }
    }

    private func lostOrFailed(sqlState: String?, message: String) -> StorageError {
        // Class 08 is "connection exception"; 57P01..57P03 are shutdown/crash/cannot-connect-now.
        let lost =
            PQstatus(handle) != CONNECTION_OK
            || sqlState?.hasPrefix("08") == true
            || ["57P01", "57P02", "57P03"].contains(sqlState ?? "")
        if lost {
            self.lost.store(true, ordering: .releasing)
            return StorageError(
                kind: .connectionLost, message: "lost the connection to PostgreSQL at \(Self.address(handle)) (\(message)) — it will be retried",
                sqlState: sqlState)
        }
        return StorageError(kind: .query, message: "PostgreSQL rejected a statement: \(message)", sqlState: sqlState)
    }

    /// Runs `body` on `queue` and resumes the caller with its result.
    private static func onQueue<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () throws(StorageError) -> T) async throws(StorageError) -> T {
        let result: Result<T, StorageError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(StorageError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

extension StorageError {
    /// PostgreSQL refused to run a prepared statement because a schema change altered
    /// the columns it returns ("cached plan must not change result type", 0A000).
    var isStalePreparedPlan: Bool {
        sqlState == "0A000" && message.contains("cached plan must not change result type")
    }
}

/// libpq's message, trimmed to its first lines without trailing newlines.
func libpqMessage(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
    guard let pointer else { return "no message" }
    let text = String(cString: pointer).trimmingWhitespaceAndNewlines()
    let oneLine = text.split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    return oneLine.isEmpty ? "no message" : oneLine
}

/// Calls `body` with a NULL-terminated array of C strings.
func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStringArray(strings.map { Optional($0) }) { pointers in
        body(pointers + [nil])
    }
}

/// Calls `body` with C strings for each element, `nil` staying `nil` (SQL NULL).
func withOptionalCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var storage: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } }
    defer { storage.forEach { free($0) } }
    return storage.withUnsafeMutableBufferPointer { buffer in
        body(buffer.map { UnsafePointer($0) })
    }
}

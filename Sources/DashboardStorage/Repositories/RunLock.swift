import FoundationEssentials

/// The PostgreSQL advisory lock that keeps two collection runs from overlapping.
///
/// It lives on a connection of its own, outside the pool, for the whole run; ending
/// the process (or losing the connection) releases it, so a crashed run never
/// leaves the lock behind.
public final class RunLock: Sendable {
    /// The advisory-lock key of collection runs ("SDRUN" in ASCII).
    public static let key: Int64 = 0x53_4452_554E
    /// The advisory-lock key of notification delivery ("SDNOTE"), so two deliveries never
    /// send the same pending notification at once.
    public static let deliveryKey: Int64 = 0x5344_4E4F_5445

    private let connection: PostgresConnection
    private let key: Int64

    private init(connection: PostgresConnection, key: Int64) {
        self.connection = connection
        self.key = key
    }

    /// Takes the lock `key` (collection runs by default), or returns `nil` at once when another process holds it.
    public static func acquire(_ configuration: DatabaseConfiguration, key: Int64 = RunLock.key) async throws(StorageError) -> RunLock? {
        let connection = try await PostgresConnection.connect(configuration)
        let result = try await connection.query("SELECT pg_try_advisory_lock(\(key)) AS locked")
        guard try result.first?.require("locked", as: Bool.self) == true else { return nil }
        return RunLock(connection: connection, key: key)
    }

    /// Releases the lock now (it is also released when this object goes away).
    public func release() async {
        _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))")
    }
}

import DashboardCore
import FoundationEssentials

/// Silences added with `collector silence add`: alerts they cover still open, resolve and
/// show, but are not notified until they end (docs/notifications.md).
public struct SilenceRepository: Sendable {
    let pool: ConnectionPool

    static let columns = "id, server_name, tag, alert_type, reason, starts_at, ends_at, created_at"

    /// Stores a silence and returns it with its id. Only the table's own checks apply (an
    /// end after the start); `collector silence add` validates what people type.
    @discardableResult
    public func add(scope: Silence.Scope, alertType: AlertType?, reason: String, startsAt: Date, endsAt: Date) async throws(StorageError) -> Silence {
        var serverName: String?
        var tag: String?
        switch scope {
        case .server(let name): serverName = name
        case .tag(let value): tag = value
        case .all: break
        }
        let result = try await pool.query(
            """
            INSERT INTO silences (server_name, tag, alert_type, reason, starts_at, ends_at)
            VALUES (\(serverName), \(tag), \(alertType?.rawValue), \(reason), \(startsAt), \(endsAt))
            RETURNING \(unsafeRaw: Self.columns)
            """)
        guard let row = result.first else {
            throw StorageError(kind: .query, message: "the new silence was not returned by PostgreSQL")
        }
        return try Self.decode(row)
    }

    /// The silences not yet ended at `now` (active or still to start), or every one with
    /// `includeEnded`; soonest start first.
    public func list(includeEnded: Bool = false, now: Date = Date()) async throws(StorageError) -> [Silence] {
        let result = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM silences
            WHERE \(includeEnded) OR ends_at > \(now)
            ORDER BY starts_at, id
            """)
        var silences: [Silence] = []
        for row in result.rows { silences.append(try Self.decode(row)) }
        return silences
    }

    /// The silences in force at `date` (started and not ended).
    public func active(at date: Date = Date()) async throws(StorageError) -> [Silence] {
        let result = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM silences
            WHERE starts_at <= \(date) AND ends_at > \(date)
            ORDER BY starts_at, id
            """)
        var silences: [Silence] = []
        for row in result.rows { silences.append(try Self.decode(row)) }
        return silences
    }

    /// Deletes the silence with this id; `false` when there is none.
    @discardableResult
    public func remove(id: Int64) async throws(StorageError) -> Bool {
        try await pool.query("DELETE FROM silences WHERE id = \(id)").affectedRows > 0
    }

    static func decode(_ row: Row) throws(StorageError) -> Silence {
        let scope: Silence.Scope
        if let name: String = try row.decode("server_name") {
            scope = .server(name)
        } else if let tag: String = try row.decode("tag") {
            scope = .tag(tag)
        } else {
            scope = .all
        }
        let typeText: String? = try row.decode("alert_type")
        return Silence(
            id: try row.require("id"), scope: scope, alertType: typeText.flatMap(AlertType.init(rawValue:)), reason: try row.require("reason"),
            startsAt: try row.require("starts_at"), endsAt: try row.require("ends_at"), createdAt: try row.require("created_at"))
    }
}

/// The statements one connection has prepared, keyed by their SQL text.
///
/// PostgreSQL plans a statement sent with `PQexecParams` afresh every time; for the
/// history queries that planning cost as much as running them. A prepared statement
/// is planned once per connection (and re-planned by PostgreSQL itself when a table
/// it reads changes). The cache belongs to its connection: a new connection starts
/// empty and a dropped one takes its statements with it, as PostgreSQL does.
///
/// Bounded: past `capacity` the least recently used statement is evicted and its
/// name handed back so the connection can `DEALLOCATE` it. Names are never reused,
/// so a statement that could not be deallocated yet cannot be confused with a new one.
struct PreparedStatementCache {
    /// Statements kept at most; 0 turns preparing off.
    let capacity: Int
    private var entries: [String: Entry] = [:]
    private var clock = 0
    private var namesIssued = 0

    private struct Entry {
        var name: String
        var lastUse: Int
    }

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Statements currently prepared.
    var count: Int { entries.count }

    /// The name `sql` was prepared under, marking it as just used.
    mutating func name(for sql: String) -> String? {
        guard entries[sql] != nil else { return nil }
        clock += 1
        entries[sql]!.lastUse = clock
        return entries[sql]!.name
    }

    /// A fresh name for preparing a statement, and the name of the least recently used
    /// statement, forgotten to make room, which the connection should deallocate.
    /// Call `insert` once the statement is prepared.
    mutating func reserve() -> (name: String, evicted: String?) {
        namesIssued += 1
        let name = "sd_\(namesIssued)"
        guard entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) else {
            return (name, nil)
        }
        entries.removeValue(forKey: oldest.key)
        return (name, oldest.value.name)
    }

    /// Records that `sql` is now prepared as `name`.
    mutating func insert(_ sql: String, name: String) {
        clock += 1
        entries[sql] = Entry(name: name, lastUse: clock)
    }

    /// Forgets `sql`, returning the name it was prepared under.
    @discardableResult
    mutating func remove(_ sql: String) -> String? {
        entries.removeValue(forKey: sql)?.name
    }
}

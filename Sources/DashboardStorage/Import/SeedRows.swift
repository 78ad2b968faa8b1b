import DashboardCore
import FoundationEssentials

/// A readable `server_metrics` row of the original product, in our units.
struct SeedMetricsRow: Sendable {
    var serverName: String
    var time: SeedTimestamp
    var load1: Double?
    var load5: Double?
    var load15: Double?
    var ramPercent: Double?
    var diskPercent: Double?
    var loggedUsers: Int?
    var tcpConnections: Int?
}

/// A readable `top_users` row of the original product, in our units.
struct SeedUserRow: Sendable {
    var serverName: String
    var time: SeedTimestamp
    var username: String
    var cpuPercent: Double
    var memoryPercent: Double
    /// The original's `disk` (GiB, as its TopUsers.sh divided `du -b` by 1024³) in bytes.
    var homeBytes: Int64?
    var processCount: Int
    var topProcess: String?
    /// How many of CPU, memory and process count were NULL or absent and set to 0.
    var zeroFilled: Int
}

/// A source timestamp: the instant, and its exact text in UTC with microseconds for binding
/// (a `Date` alone can lose a microsecond on the way through binary floating point).
struct SeedTimestamp: Sendable, Hashable {
    var date: Date
    var text: String

    /// Reads PostgreSQL's text of a `timestamp` (no zone: UTC), a `timestamptz` or ISO-8601 text.
    init?(_ raw: String) {
        let trimmed = raw.trimmingWhitespace()
        guard let parsed = Timestamp.parse(trimmed) else { return nil }
        let micros = (parsed.timeIntervalSince1970 * 1_000_000).rounded()
        guard micros.isFinite, abs(micros) < 2.5e17 else { return nil }
        let whole = Int64(micros)
        var seconds = whole / 1_000_000
        var fraction = whole % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        let base = Timestamp.format(Date(timeIntervalSince1970: Double(seconds)), microseconds: true)
        // "…:SS.000000Z": the whole second is exact, so only the six digits change.
        let digits = String(fraction)
        text = String(base.dropLast(7)) + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
        date = Date(timeIntervalSince1970: Double(seconds) + Double(fraction) / 1_000_000)
    }
}

/// Reads the text of source values into figures, with the reason a value is refused.
enum SeedValue {
    /// Why a value was refused: the reason and the value as shown.
    struct Refusal: Error {
        var reason: String
        var value: String?
    }

    /// A short, cleaned excerpt of a source value for a message.
    static func excerpt(_ text: String) -> String {
        let cleaned = HostText.clean(text, maximumBytes: 32)
        return cleaned.text + (cleaned.truncated ? "…" : "")
    }

    /// A number, or `nil` for NULL, blank or NaN (the original's "not measured"). A trailing
    /// `%` is allowed; anything else that is not a finite number inside `range` is refused.
    static func number(_ text: String?, column: String, range: ClosedRange<Double>) throws(Refusal) -> Double? {
        guard var trimmed = text?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
        if trimmed.hasSuffix("%") { trimmed = String(trimmed.dropLast()).trimmingWhitespace() }
        if ["nan", "+nan", "-nan"].contains(trimmed.lowercased()) { return nil }
        guard let value = Double(trimmed), value.isFinite else {
            throw Refusal(reason: "\(column) is not a number", value: excerpt(trimmed))
        }
        guard range.contains(value) else {
            throw Refusal(reason: "\(column) is out of range", value: excerpt(trimmed))
        }
        return value
    }

    /// A whole number of at most `Int32.max`, or `nil` for NULL or blank (`3.0` is 3; `3.5` is refused).
    static func count(_ text: String?, column: String) throws(Refusal) -> Int? {
        guard let value = try number(text, column: column, range: 0...Double(Int32.max)) else { return nil }
        guard value == value.rounded() else {
            throw Refusal(reason: "\(column) is not a whole number", value: excerpt(text ?? ""))
        }
        return Int(value)
    }

    /// A server name as the inventory accepts it, cleaned like text from a host.
    static func serverName(_ text: String?) throws(Refusal) -> String {
        let cleaned = HostText.clean(text ?? "", maximumBytes: 4 * InventoryParser.maximumNameLength).text.trimmingWhitespace()
        guard !cleaned.isEmpty else { throw Refusal(reason: "no server name") }
        guard let name = InventoryParser.acceptableName(cleaned) else {
            throw Refusal(reason: "server name longer than \(InventoryParser.maximumNameLength) characters", value: excerpt(cleaned))
        }
        return name
    }

    /// The row's time; NULL or unreadable text is refused.
    static func timestamp(_ text: String?) throws(Refusal) -> SeedTimestamp {
        guard let text, !text.trimmingWhitespace().isEmpty else { throw Refusal(reason: "no timestamp") }
        guard let time = SeedTimestamp(text) else { throw Refusal(reason: "timestamp is not a date and time", value: excerpt(text)) }
        return time
    }

    /// Text from the source, cleaned as the collector cleans text from a host (`HostText`); `nil` when empty.
    static func text(_ text: String?) -> String? {
        guard let text else { return nil }
        let cleaned = HostText.clean(text).text.trimmingWhitespace()
        return cleaned.isEmpty ? nil : cleaned
    }
}

extension SeedMetricsRow {
    /// The largest load average taken as real.
    static let maximumLoad = 1_000_000.0

    /// Reads one source row (values as text, by our column names).
    init(_ values: [String: String?]) throws(SeedValue.Refusal) {
        func value(_ column: String) -> String? { values[column] ?? nil }
        serverName = try SeedValue.serverName(value("server_name"))
        time = try SeedValue.timestamp(value("timestamp"))
        load1 = try SeedValue.number(value("cpu_load_1min"), column: "cpu_load_1min", range: 0...Self.maximumLoad)
        load5 = try SeedValue.number(value("cpu_load_5min"), column: "cpu_load_5min", range: 0...Self.maximumLoad)
        load15 = try SeedValue.number(value("cpu_load_15min"), column: "cpu_load_15min", range: 0...Self.maximumLoad)
        ramPercent = try SeedValue.number(value("ram_percentage"), column: "ram_percentage", range: 0...100)
        diskPercent = try SeedValue.number(value("disk_percentage"), column: "disk_percentage", range: 0...100)
        loggedUsers = try SeedValue.count(value("logged_users"), column: "logged_users")
        tcpConnections = try SeedValue.count(value("tcp_connections"), column: "tcp_connections")
    }
}

extension SeedUserRow {
    /// Bytes in the original's disk unit: GiB (its TopUsers.sh printed `du -b` / 1024³).
    static let bytesPerDiskUnit = 1_073_741_824.0
    /// The largest per-user CPU or memory figure taken as real (CPU adds up over cores).
    static let maximumPercent = 1_000_000.0
    /// The largest home directory taken as real, in GiB (1 EiB).
    static let maximumDisk = 1_073_741_824.0

    /// Reads one source row (values as text, by our column names).
    init(_ values: [String: String?]) throws(SeedValue.Refusal) {
        func value(_ column: String) -> String? { values[column] ?? nil }
        serverName = try SeedValue.serverName(value("server_name"))
        time = try SeedValue.timestamp(value("timestamp"))
        guard let name = SeedValue.text(value("username")) else { throw SeedValue.Refusal(reason: "no user name") }
        username = name
        var filled = 0
        let cpu = try SeedValue.number(value("cpu"), column: "cpu", range: 0...Self.maximumPercent)
        let memory = try SeedValue.number(value("mem"), column: "mem", range: 0...Self.maximumPercent)
        let processes = try SeedValue.count(value("process_count"), column: "process_count")
        if cpu == nil { filled += 1 }
        if memory == nil { filled += 1 }
        if processes == nil { filled += 1 }
        cpuPercent = cpu ?? 0
        memoryPercent = memory ?? 0
        processCount = processes ?? 0
        zeroFilled = filled
        homeBytes = try SeedValue.number(value("disk"), column: "disk", range: 0...Self.maximumDisk).map { Int64(($0 * Self.bytesPerDiskUnit).rounded()) }
        topProcess = SeedValue.text(value("top_process"))
    }
}

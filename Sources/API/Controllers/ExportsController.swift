import APISupport
import DashboardCore
import DashboardExport
import DashboardStorage
import FoundationEssentials
import Hummingbird
import NIOCore

/// Downloads: top users and one server's history, each as CSV and as an Excel workbook.
/// Each takes the same parameters as its JSON endpoint. Text from hosts that starts like
/// a formula is neutralised in CSV; in XLSX it is a typed text cell, never a formula.
struct ExportsController {
    let servers: ServerController
    let database: Database

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/users/top.csv", use: usersCSV)
        router.get("/api/users/top.xlsx", use: usersXLSX)
        router.get("/api/servers/{server_name}/metrics/history.csv", use: historyCSV)
        router.get("/api/servers/{server_name}/metrics/history.xlsx", use: historyXLSX)
    }

    static let userHeader = ["username", "server_name", "cpu_percent", "mem_percent", "home_bytes", "process_count", "top_process", "collected_at"]

    @Sendable func usersCSV(request: Request, context: APIContext) async throws -> Response {
        let rows = try await userRows(request)
        let document = CSVDocument(header: Self.userHeader, rows: rows)
        return Self.download(document.data(), contentType: CSVDocument.contentType, filename: "top-users-\(Self.stamp()).csv")
    }

    @Sendable func usersXLSX(request: Request, context: APIContext) async throws -> Response {
        let rows = try await userRows(request)
        var workbook = XLSXWorkbook()
        workbook.addSheet(named: "Top users", header: Self.userHeader, rows: rows)
        return Self.download(try workbook.encoded(), contentType: XLSXWorkbook.contentType, filename: "top-users-\(Self.stamp()).xlsx")
    }

    private func userRows(_ request: Request) async throws -> [[ExportCell]] {
        let query = try UsersController.query(QueryParameters(request), defaultLimit: TopUsersQuery.maximumLimit)
        return try await database.users.top(query).map { user in
            [
                .text(user.username), .text(user.serverName), .number(user.cpu), .number(user.mem),
                user.disk.map { .integer($0) } ?? .empty, .integer(Int64(user.processCount)),
                user.topProcess.map { .text($0) } ?? .empty, user.timestamp.map { .timestamp($0) } ?? .empty,
            ]
        }
    }

    @Sendable func historyCSV(request: Request, context: APIContext) async throws -> Response {
        let history = try await historyRows(request, context: context)
        let document = CSVDocument(header: history.header, rows: history.rows)
        return Self.download(document.data(), contentType: CSVDocument.contentType, filename: history.filename + ".csv")
    }

    /// `GET /api/servers/{server_name}/metrics/history.xlsx`: the CSV's rows in one sheet,
    /// figures as numeric cells and bucket starts as dates.
    @Sendable func historyXLSX(request: Request, context: APIContext) async throws -> Response {
        let history = try await historyRows(request, context: context)
        var workbook = XLSXWorkbook()
        // Not "History": Excel reserves that sheet name.
        workbook.addSheet(named: "Metric history", header: history.header, rows: history.rows)
        return Self.download(try workbook.encoded(), contentType: XLSXWorkbook.contentType, filename: history.filename + ".xlsx")
    }

    /// One row per history bucket: its start, its sample count and every figure history keeps
    /// (average and maximum, in catalogue order, docs/adding-a-metric.md); the file name without extension.
    private func historyRows(_ request: Request, context: APIContext) async throws -> (header: [String], rows: [[ExportCell]], filename: String) {
        let window = try HistoryWindow(QueryParameters(request))
        let snapshot = try await servers.snapshot(context)
        let buckets = try await database.metrics.history(serverID: snapshot.server.id, from: window.from, to: window.to, step: window.step)
        let header = ["bucket_start", "samples"] + MetricCatalogue.history.flatMap { ["\($0.id.key)_avg", "\($0.id.key)_max"] }
        let rows = buckets.map { bucket in
            var row: [ExportCell] = [.timestamp(bucket.start), .integer(Int64(bucket.samples))]
            for aggregate in bucket.aggregates {
                row.append(aggregate.avg.map { .number($0) } ?? .empty)
                row.append(aggregate.max.map { .number($0) } ?? .empty)
            }
            return row
        }
        return (header, rows, "\(snapshot.server.name)-history-\(Self.stamp(window.from))-\(Self.stamp(window.to))")
    }

    /// An attachment answer; the ASCII `filename` is made safe, the UTF-8 `filename*` keeps the name.
    static func download(_ data: Data, contentType: String, filename: String) -> Response {
        let ascii = filenameSafe(filename)
        let encoded = PercentEncoding.encode(filename, keeping: "-._")
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType,
                .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// Letters, digits, `.`, `-` and `_`; everything else becomes `_`.
    static func filenameSafe(_ name: String) -> String {
        String(
            name.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
    }

    /// `20260131T120000Z`, for file names.
    static func stamp(_ date: Date = Date()) -> String {
        Timestamp.format(date).prefix(19).replacing("-", with: "").replacing(":", with: "") + "Z"
    }
}

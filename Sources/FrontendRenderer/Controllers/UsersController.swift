import AsyncHTTPClient
import DashboardCore
import FoundationEssentials
import Hummingbird
import NIOCore

/// The users page's filters, from the URL: `server`, `q`, `sort`, `order`, and the fleet filter's
/// `tag` and `status`, which the page applies to the rows' servers (the api knows neither).
struct UsersFilter: Sendable, Equatable {
    /// The columns the api sorts by.
    enum Sort: String, CaseIterable, Sendable {
        case cpu, mem, disk, processCount = "process_count", username, server

        /// Text columns sort A→Z first, figures highest first.
        var defaultOrder: Order { self == .username || self == .server ? .asc : .desc }
    }

    enum Order: String, CaseIterable, Sendable {
        case asc, desc
    }

    var server: String?
    var search: String?
    var sort: Sort
    var order: Order
    /// `tag` and `status` (its `q` is the user name here, in `search`).
    var fleet = FleetFilter()

    init(server: String? = nil, search: String? = nil, sort: Sort = .cpu, order: Order? = nil, fleet: FleetFilter = FleetFilter()) {
        self.fleet = fleet
        self.server = server
        self.search = search
        self.sort = sort
        self.order = order ?? sort.defaultOrder
    }

    init(_ query: PageQuery) throws(PageError) {
        let sort = try query.choice("sort", default: Sort.cpu) ?? .cpu
        self.init(
            server: try query.text("server"),
            search: try query.text("q", maximumLength: 100),
            sort: sort,
            order: try query.choice("order", default: Order?.none),
            fleet: try FleetFilter(query, searchName: nil)
        )
    }

    /// The same filter as api parameters.
    var apiQuery: [(String, String?)] {
        [("server", server), ("q", search), ("sort", sort.rawValue), ("order", order.rawValue)]
    }

    /// The query string of the api's part of this filter, for the downloads.
    var downloadQuery: String {
        URLEncoding.query([
            ("server", server), ("q", search),
            ("sort", sort == .cpu ? nil : sort.rawValue), ("order", order == sort.defaultOrder ? nil : order.rawValue),
        ])
    }

    /// The query string of this filter, for links (defaults left out).
    var pageQuery: String {
        URLEncoding.query([
            ("server", server), ("q", search), ("tag", fleet.tag), ("status", fleet.status?.rawValue),
            ("sort", sort == .cpu ? nil : sort.rawValue), ("order", order == sort.defaultOrder ? nil : order.rawValue),
        ])
    }
}

/// `GET /users`: the top users table, sortable and filterable; `GET /users.csv` and
/// `GET /users.xlsx`: the api's exports of the same filter, streamed with their headers.
struct UsersController {
    let pages: PageRenderer

    /// Rows shown on the page; the downloads carry every row.
    static let pageLimit = 500

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/users", use: users)
        router.get("/users.csv") { request, context in try await download(request: request, context: context, format: "csv") }
        router.get("/users.xlsx") { request, context in try await download(request: request, context: context, format: "xlsx") }
    }

    @Sendable func users(request: Request, context: some RequestContext) async throws -> HTMLResponse {
        let filter = try UsersFilter(PageQuery(request))
        return try await pages.respond(title: "Users", section: .users) { _ in
            // The tag and status are applied here, to more rows than the page shows.
            async let users = pages.api.topUsers(filter, limit: filter.fleet.narrows ? Self.pageLimit * 10 : Self.pageLimit)
            async let servers = pages.api.servers()
            return UsersView.render(filter: filter, users: try await users, servers: try await servers)
        }
    }

    /// Streams `/api/users/top.<format>` through, keeping its type and file name.
    func download(request: Request, context: some RequestContext, format: String) async throws -> Response {
        let filter = try UsersFilter(PageQuery(request))
        let answer: HTTPClientResponse
        do {
            answer = try await pages.api.stream("/api/users/top.\(format)", query: filter.apiQuery)
        } catch {
            // The same page the users view shows for this failure: a 503 banner, a 404 or a 400.
            return try await pages.respond(title: "Users", section: .users) { _ in throw error }.response(from: request, context: context)
        }
        var headers: HTTPFields = [:]
        if let value = answer.headers.first(name: "Content-Type") { headers[.contentType] = value }
        if let value = answer.headers.first(name: "Content-Disposition") { headers[.contentDisposition] = value }
        if let value = answer.headers.first(name: "Cache-Control") { headers[.cacheControl] = value }
        if let value = answer.headers.first(name: "Content-Length") { headers[.contentLength] = value }
        let body = answer.body
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: body))
    }
}

import APISupport
import DashboardCore
import DashboardStorage
import FoundationEssentials
import Hummingbird

/// `GET /api/users/top`: per-user activity from every server's latest sample.
struct UsersController {
    let database: Database

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/users/top", use: top)
    }

    /// The seed rows, sorted by `cpu` descending unless asked otherwise.
    @Sendable func top(request: Request, context: APIContext) async throws -> Response {
        let query = try Self.query(QueryParameters(request), defaultLimit: 100)
        return JSONResponse.encode(try await database.users.top(query))
    }

    /// Reads `server`, `q`, `sort`, `order` and `limit` (1…10,000).
    static func query(_ parameters: QueryParameters, defaultLimit: Int) throws(APIError) -> TopUsersQuery {
        let sort = try parameters.choice("sort", default: TopUsersQuery.SortKey.cpu)
        let textSort = sort == .username || sort == .server
        let order = try parameters.choice("order", default: textSort ? SortOrder.asc : SortOrder.desc)
        return TopUsersQuery(
            server: try parameters.text("server"),
            search: try parameters.text("q", maximumLength: 100),
            sort: sort,
            descending: order == .desc,
            limit: try parameters.integer("limit", in: 1...TopUsersQuery.maximumLimit, default: defaultLimit) ?? defaultLimit
        )
    }

    /// `asc` / `desc`.
    enum SortOrder: String, CaseIterable {
        case asc, desc
    }
}

import DashboardCore
import DashboardWire
import FoundationEssentials

extension APIClient {
    /// `GET /api/servers`: every enabled server with status and headline figures; a 304
    /// reuses the list decoded from the last answer.
    func servers() async throws(APIClientError) -> [APIRecords.Server] {
        try await get([APIRecords.Server].self, "/api/servers", remembering: Self.lastServers)
    }

    /// The last `/api/servers` answer, for its conditional GET.
    static let lastServers = RememberedAnswer<[APIRecords.Server]>()

    /// `GET /api/servers/{name}`.
    func server(named name: String) async throws(APIClientError) -> APIRecords.ServerDetail {
        try await get(APIRecords.ServerDetail.self, "/api/servers/" + URLEncoding.component(name))
    }

    /// `GET /api/system/overview`.
    func overview() async throws(APIClientError) -> Overview {
        try await get(Overview.self, "/api/system/overview")
    }

    /// `GET /api/users/top` with the users page's filters.
    func topUsers(_ filter: UsersFilter, limit: Int) async throws(APIClientError) -> [TopUserRecord] {
        try await get([TopUserRecord].self, "/api/users/top", query: filter.apiQuery + [("limit", String(limit))])
    }

    /// `GET /api/alerts?state=&server=`: with their silences and deliveries.
    func alerts(active: Bool, server: String? = nil, limit: Int) async throws(APIClientError) -> [APIRecords.Alert] {
        try await get(
            [APIRecords.Alert].self, "/api/alerts", query: [("state", active ? "active" : "resolved"), ("server", server), ("limit", String(limit))])
    }

    /// `GET /api/silences`: those not yet ended.
    func silences() async throws(APIClientError) -> [APIRecords.Silence] {
        try await get([APIRecords.Silence].self, "/api/silences")
    }

    /// `GET /api/servers/{name}/failures`.
    func failures(server name: String, limit: Int) async throws(APIClientError) -> [APIRecords.Failure] {
        try await get([APIRecords.Failure].self, "/api/servers/" + URLEncoding.component(name) + "/failures", query: [("limit", String(limit))])
    }

    /// `GET /api/servers/{name}/metrics/history?from=&to=`.
    func history(server name: String, from: Date, to: Date) async throws(APIClientError) -> APIRecords.History {
        try await get(
            APIRecords.History.self, "/api/servers/" + URLEncoding.component(name) + "/metrics/history",
            query: [("from", Timestamp.format(from)), ("to", Timestamp.format(to))]
        )
    }

    /// `GET /api/servers/{name}/anomalies?from=&to=`: the anomalies of the window, oldest first;
    /// without a window, those of the last 24 hours.
    func anomalies(server name: String, from: Date? = nil, to: Date? = nil) async throws(APIClientError) -> [APIRecords.Anomaly] {
        try await get(
            [APIRecords.Anomaly].self, "/api/servers/" + URLEncoding.component(name) + "/anomalies",
            query: [("from", from.map { Timestamp.format($0) }), ("to", to.map { Timestamp.format($0) })]
        )
    }

    /// `GET /api/servers/{name}/forecast`.
    func forecast(server name: String) async throws(APIClientError) -> APIRecords.Forecast {
        try await get(APIRecords.Forecast.self, "/api/servers/" + URLEncoding.component(name) + "/forecast")
    }
}

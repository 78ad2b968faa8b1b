import DashboardCore
import DashboardWire
import FoundationEssentials

extension APIClient {
    /// `GET /api/servers/{name}/events?limit=`: what changed on the server in the last 30 days, newest first.
    func changeEvents(server name: String, limit: Int) async throws(APIClientError) -> [ChangeEventRecord] {
        try await get([ChangeEventRecord].self, "/api/servers/" + URLEncoding.component(name) + "/events", query: [("limit", String(limit))])
    }
}

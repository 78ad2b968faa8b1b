import DashboardCore
import FoundationEssentials

extension AlertRepository {
    /// The containers of the server's last sample collected before `time`, for the `container`
    /// alert's restart count (docs/notifications.md, "Deeper alerts"); `nil` when there is no such
    /// sample or it could not list containers.
    public func previousContainers(serverID: Int64, before time: Date) async throws(StorageError) -> [ContainerInfo]? {
        let result = try await pool.query(
            """
            WITH previous AS (
                SELECT id, containers_listed FROM server_metrics
                WHERE server_id = \(serverID) AND collected_at < \(time)
                ORDER BY collected_at DESC LIMIT 1
            )
            SELECT p.containers_listed, c.name, c.image, c.state, c.exit_code, c.restart_count
            FROM previous p LEFT JOIN sample_containers c ON c.sample_id = p.id
            """)
        guard let first = result.rows.first, try first.decode("containers_listed", as: Int.self) != nil else { return nil }
        var containers: [ContainerInfo] = []
        for row in result.rows {
            guard let name = try row.decode("name", as: String.self) else { continue }
            containers.append(
                ContainerInfo(
                    name: name, image: try row.decode("image", as: String.self) ?? "", state: try row.decode("state", as: String.self) ?? "unknown",
                    exitCode: try row.decode("exit_code", as: Int.self), restartCount: try row.decode("restart_count", as: Int.self)))
        }
        return containers
    }
}

import DashboardCore
import FoundationEssentials

/// `GET /api/servers/{server_name}/forecast`: days until each filesystem is full, from a
/// least-squares fit over the last `window_days`, with the fit's inputs.
public struct ForecastRecord: Codable, Sendable, Equatable {
    /// The server's inventory name.
    public var serverName: String
    /// The days of samples the fit looks back over (`FORECAST_WINDOW_DAYS`).
    public var windowDays: Int
    /// When the forecast was computed.
    public var generatedAt: Date
    /// One forecast per filesystem mounted in the latest sample.
    public var filesystems: [FilesystemForecast]

    /// Creates the answer.
    public init(serverName: String, windowDays: Int, generatedAt: Date, filesystems: [FilesystemForecast]) {
        self.serverName = serverName
        self.windowDays = windowDays
        self.generatedAt = generatedAt
        self.filesystems = filesystems
    }

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name", windowDays = "window_days", generatedAt = "generated_at", filesystems
    }
}

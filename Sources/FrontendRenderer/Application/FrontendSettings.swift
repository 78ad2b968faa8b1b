import DashboardCore
import FoundationEssentials

/// Everything the frontend-renderer reads from its environment (docs/configuration.md), checked once at start.
struct FrontendSettings: Sendable {
    /// `FRONTEND_HOST` (0.0.0.0): the address to listen on.
    var host: String
    /// `FRONTEND_PORT` (3000).
    var port: Int
    /// `API_URL` (http://127.0.0.1:5000): where the api answers; the renderer's only data source.
    var apiURL: String
    /// `REFRESH_INTERVAL_SECONDS` (30): how often the page script polls a page's content when it
    /// cannot open the live event stream (docs/dashboard.md, "Live updates"); 0: never.
    var refreshIntervalSeconds: Int
    /// `API_TIMEOUT_SECONDS` (5): how long one api request may take before the page says the api is unavailable.
    var apiTimeoutSeconds: Double
    /// `COLLECTION_INTERVAL_MINUTES` (15), shared with the collector: samples further apart
    /// than twice this are drawn with a gap between them, as the api calls such a server offline.
    var collectionIntervalSeconds: Double
    /// `DASHBOARD_CARD_LIMIT` (200): above this many servers shown, the dashboard opens in its compact view.
    var dashboardCardLimit: Int
    /// The default of `DASHBOARD_CARD_LIMIT`.
    static let defaultDashboardCardLimit = 200

    /// Reads and validates the settings; errors name the key.
    init(environment: [String: String]) throws(ConfigurationError) {
        let values = EnvironmentValues(environment)
        host = values.string("FRONTEND_HOST") ?? "0.0.0.0"
        port = try values.integer("FRONTEND_PORT", default: 3000, in: 1...65535)
        let url = values.string("API_URL") ?? "http://127.0.0.1:5000"
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https", parsed.host != nil else {
            throw ConfigurationError(key: "API_URL", message: "expected an http:// or https:// URL such as http://127.0.0.1:5000")
        }
        apiURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        refreshIntervalSeconds = try values.integer("REFRESH_INTERVAL_SECONDS", default: 30, in: 0...86_400)
        apiTimeoutSeconds = try values.seconds("API_TIMEOUT_SECONDS", default: 5, in: 0.1...120)
        collectionIntervalSeconds = Double(try values.integer("COLLECTION_INTERVAL_MINUTES", default: 15, in: 1...1440)) * 60
        dashboardCardLimit = try values.integer("DASHBOARD_CARD_LIMIT", default: Self.defaultDashboardCardLimit, in: 0...100_000)
    }
}

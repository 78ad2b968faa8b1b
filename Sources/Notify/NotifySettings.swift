import DashboardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How notifications are sent, whichever the channel (see docs/notifications.md).
public struct NotifySettings: Sendable {
    /// `NOTIFY_WEBHOOK_SECRET`: the key of the webhooks' `X-Signature-256`; `nil` sends no signature.
    public var webhookSecret: Secret?
    /// `NOTIFY_TIMEOUT_SECONDS` [10]: the whole request, connecting included.
    public var timeoutSeconds: Double
    /// `DASHBOARD_URL`: the link messages carry, when set.
    public var dashboardURL: String?
    /// `NOTIFY_CA_FILE`: a PEM bundle of CAs to trust besides the system's.
    public var caFile: String?
    /// `NOTIFY_TLS_VERIFY` [true]: whether TLS certificates and host names are checked.
    public var verifyTLS: Bool

    /// Creates settings.
    public init(webhookSecret: Secret? = nil, timeoutSeconds: Double = 10, dashboardURL: String? = nil, caFile: String? = nil, verifyTLS: Bool = true) {
        self.webhookSecret = webhookSecret
        self.timeoutSeconds = timeoutSeconds
        self.dashboardURL = dashboardURL
        self.caFile = caFile
        self.verifyTLS = verifyTLS
    }

    /// Reads `NOTIFY_WEBHOOK_SECRET`, `NOTIFY_TIMEOUT_SECONDS`, `DASHBOARD_URL`,
    /// `NOTIFY_CA_FILE` and `NOTIFY_TLS_VERIFY`.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let values = EnvironmentValues(environment)
        let secret = environment["NOTIFY_WEBHOOK_SECRET"].map(Secret.init)
        webhookSecret = (secret?.isEmpty ?? true) ? nil : secret
        timeoutSeconds = try values.seconds("NOTIFY_TIMEOUT_SECONDS", default: 10, in: 0.1...600)
        dashboardURL = values.string("DASHBOARD_URL")
        if let dashboardURL {
            let lower = dashboardURL.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), !dashboardURL.contains(where: \.isWhitespace) else {
                throw ConfigurationError(key: "DASHBOARD_URL", message: "expected an http:// or https:// URL, e.g. https://dashboard.example.org")
            }
        }
        caFile = values.string("NOTIFY_CA_FILE")
        if let caFile, access(caFile, R_OK) != 0 {
            throw ConfigurationError(key: "NOTIFY_CA_FILE", message: "cannot read \(caFile): give a PEM file of CA certificates, or leave it unset")
        }
        switch values.string("NOTIFY_TLS_VERIFY")?.lowercased() {
        case nil, "true", "yes", "on", "1": verifyTLS = true
        case "false", "no", "off", "0": verifyTLS = false
        case let other?:
            throw ConfigurationError(key: "NOTIFY_TLS_VERIFY", message: "expected true or false, got \"\(other.prefix(40))\"")
        }
    }
}

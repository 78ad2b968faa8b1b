/// One server of the inventory: where it is and how to log in.
public struct ServerConfig: Sendable, Equatable, CustomStringConvertible {
    /// How the collector reaches the server.
    public enum Transport: Sendable, Equatable {
        /// Over SSH to `address:port`.
        case ssh
        /// This machine, without SSH (`SERVERn_HOST=local`).
        case local
    }

    /// The name shown everywhere, unique across the inventory.
    public var name: String
    /// The host name from the inventory (`local` for this machine).
    public var host: String
    /// An optional address to connect to instead of resolving `host`.
    public var ip: String?
    /// The SSH port, 1…65535 (22 unless set); the parser makes it 0 for a `local` server.
    public var port: Int
    /// The SSH user name; the parser requires it except for a `local` server.
    public var username: String?
    /// The SSH password, if password authentication is configured.
    public var password: Secret?
    /// The path of the private key file on the collector's machine, if key authentication is configured.
    public var keyFile: String?
    /// The passphrase of `keyFile`, when that key is encrypted.
    public var keyPassphrase: Secret?
    /// Free-form labels, trimmed, blanks dropped.
    public var tags: [String]
    /// The inventory number `n` of `SERVERn_*`, when it came from the environment.
    public var index: Int?
    /// Thresholds set for this server alone (`SERVERn_THRESHOLD_*`, `thresholds:`).
    public var thresholds: ThresholdOverrides
    /// Its own recurring maintenance windows (`maintenance:` in `SERVERS_FILE`).
    public var maintenance: [MaintenanceWindow]

    /// Creates an inventory entry.
    public init(
        name: String, host: String, ip: String? = nil, port: Int = 22, username: String? = nil,
        password: Secret? = nil, keyFile: String? = nil, keyPassphrase: Secret? = nil,
        tags: [String] = [], index: Int? = nil, thresholds: ThresholdOverrides = ThresholdOverrides(), maintenance: [MaintenanceWindow] = []
    ) {
        self.name = name
        self.host = host
        self.ip = ip
        self.port = port
        self.username = username
        self.password = password
        self.keyFile = keyFile
        self.keyPassphrase = keyPassphrase
        self.tags = tags
        self.index = index
        self.thresholds = thresholds
        self.maintenance = maintenance
    }

    /// `local` when the host is this machine, `ssh` otherwise.
    public var transport: Transport { host.lowercased() == "local" ? .local : .ssh }

    /// The address to connect to: the IP when given, else the host name.
    public var connectAddress: String { ip ?? host }

    /// A one-line summary without any secret: `web-01 (deploy@10.0.0.5:22, key)`.
    public var description: String {
        if transport == .local { return "\(name) (local)" }
        var auth: [String] = []
        if keyFile != nil { auth.append("key") }
        if password != nil { auth.append("password") }
        return "\(name) (\(username ?? "?")@\(connectAddress):\(port), \(auth.joined(separator: "+")))"
    }
}

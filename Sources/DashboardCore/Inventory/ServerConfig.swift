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
    public var port: Int
    public var username: String?
    public var password: Secret?
    public var keyFile: String?
    public var keyPassphrase: Secret?
    public var tags: [String]
    /// The inventory number `n` of `SERVERn_*`, when it came from the environment.
    public var index: Int?

    /// Creates an inventory entry.
    public init(
        name: String, host: String, ip: String? = nil, port: Int = 22, username: String? = nil,
        password: Secret? = nil, keyFile: String? = nil, keyPassphrase: Secret? = nil,
        tags: [String] = [], index: Int? = nil
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

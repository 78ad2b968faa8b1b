/// The names a server goes by in `known_hosts`, and how to show it in messages.
struct HostIdentity {
    /// The inventory host name (lower-cased, as OpenSSH compares names).
    let host: String
    /// The address connected to.
    let address: String
    /// The SSH port.
    let port: Int

    /// Derives the names from an inventory entry.
    init(host: String, address: String, port: Int) {
        self.host = host.lowercased()
        self.address = address.lowercased()
        self.port = port
    }

    /// `host` for port 22, `[host]:port` otherwise: how OpenSSH writes and looks up entries.
    static func knownHostsName(_ host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// The name recorded for a newly accepted key.
    var primaryName: String { Self.knownHostsName(host, port: port) }

    /// Every name to look the server up by: the host name, then the address when it differs.
    var lookupNames: [String] {
        address == host ? [primaryName] : [primaryName, Self.knownHostsName(address, port: port)]
    }

    /// `host:port`, or `host (address):port` when connecting to an explicit address.
    var display: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        if address == host { return "\(shownHost):\(port)" }
        let shownAddress = address.contains(":") ? "[\(address)]" : address
        return "\(shownHost) (\(shownAddress)):\(port)"
    }
}

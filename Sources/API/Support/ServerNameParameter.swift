import APISupport
import DashboardCore
import FoundationEssentials
import Hummingbird

extension Parameters {
    /// The `{server_name}` path segment, percent-decoded; a name that cannot be a server's
    /// (malformed escapes, control characters, over 255 bytes) answers 404 like an unknown one.
    func serverName() throws(APIError) -> String {
        let raw = get("server_name") ?? ""
        guard let decoded = PercentEncoding.decode(raw), !decoded.isEmpty else {
            throw .serverNotFound(raw)
        }
        guard decoded.utf8.count <= 255, !decoded.unicodeScalars.contains(where: HostText.isUnsafe) else {
            throw .serverNotFound(decoded)
        }
        return decoded
    }
}

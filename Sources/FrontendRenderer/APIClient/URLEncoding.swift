import DashboardCore

/// Percent-encoding for building URLs from untrusted text: everything but RFC 3986's
/// unreserved characters is escaped, so a server name can never add a path segment or a parameter.
enum URLEncoding {
    /// `text` escaped for use as one path segment or one query value.
    static func component(_ text: String) -> String {
        PercentEncoding.encode(text)
    }

    /// `name=value&…` with both sides escaped; pairs with an empty value are left out.
    static func query(_ pairs: [(String, String?)]) -> String {
        var parts: [String] = []
        for (name, value) in pairs {
            guard let value, !value.isEmpty else { continue }
            parts.append(component(name) + "=" + component(value))
        }
        return parts.joined(separator: "&")
    }
}

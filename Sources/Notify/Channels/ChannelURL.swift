import DashboardCore

/// One `NOTIFY_URLS` entry taken apart: `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`.
///
/// Parse errors never quote the text: it may hold a password that was not percent-encoded.
struct ChannelURL {
    /// The scheme, lower-cased (`https`, `slack+https`, `smtp`…).
    var scheme: String
    /// The user name as written (percent-encoded), `nil` without an `@`.
    var rawUser: String?
    /// The password as written (percent-encoded), `nil` without `:` in the user info.
    var rawPassword: String?
    /// The host as written, brackets kept for an IPv6 address.
    var host: String
    /// The port when the URL names one.
    var port: Int?
    /// The path as written, `""` or starting with `/`.
    var path: String
    /// The query as written, without `?`; `nil` without one.
    var query: String?
    /// The fragment as written, without `#`; never sent.
    var fragment: String?

    /// The user name, percent-decoded.
    var user: String? { rawUser.map { PercentEncoding.decode($0) ?? $0 } }
    /// The password, percent-decoded.
    var password: String? { rawPassword.map { PercentEncoding.decode($0) ?? $0 } }

    /// `host[:port]` as it goes into a URL.
    var authority: String { port.map { "\(host):\($0)" } ?? host }

    /// The query's `key=value` pairs in order, both percent-decoded (`+` is not a space here).
    var queryItems: [(key: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = PercentEncoding.decode(parts[0]) ?? String(parts[0])
            let value = parts.count > 1 ? (PercentEncoding.decode(parts[1]) ?? String(parts[1])) : ""
            return (key, value)
        }
    }

    /// Why an entry is not a URL at all.
    enum ParseError: Error {
        /// No `scheme://`.
        case notAURL
        /// A scheme, but no usable host or port after it.
        case badAuthority(scheme: String, hasUserInfo: Bool)
    }

    /// Takes `text` apart; the scheme is checked for shape only.
    static func parse(_ text: String) throws(ParseError) -> ChannelURL {
        guard let separator = text.firstRange(of: "://") else { throw .notAURL }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard let first = scheme.unicodeScalars.first, ("a"..."z").contains(first),
            scheme.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "+.-".unicodeScalars.contains($0) })
        else { throw .notAURL }
        var rest = text[separator.upperBound...]
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let path = String(rest[slash...])
        var authority = rest[..<slash]
        var rawUser: String?
        var rawPassword: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                rawUser = String(userInfo[..<colon])
                rawPassword = String(userInfo[userInfo.index(after: colon)...])
            } else {
                rawUser = String(userInfo)
            }
        }
        let bad = ParseError.badAuthority(scheme: scheme, hasUserInfo: rawUser != nil)
        var host = authority
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw bad }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw bad }
                port = try portNumber(after.dropFirst(), or: bad)
            }
            let inside = host.dropFirst().dropLast()
            guard !inside.isEmpty, inside.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }) else { throw bad }
        } else {
            if let colon = authority.lastIndex(of: ":") {
                host = authority[..<colon]
                port = try portNumber(authority[authority.index(after: colon)...], or: bad)
            }
            guard !host.isEmpty, host.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || isHostCharacter($0) }) else { throw bad }
        }
        return ChannelURL(
            scheme: scheme, rawUser: rawUser, rawPassword: rawPassword, host: String(host).lowercased(), port: port, path: path, query: query,
            fragment: fragment)
    }

    private static func portNumber(_ text: Substring, or error: ParseError) throws(ParseError) -> Int {
        guard let port = Int(text), (1...65535).contains(port), text.allSatisfy(\.isASCII) else { throw error }
        return port
    }

    /// Letters, digits, `.`, `-` and `_`: what a DNS name or IPv4 address is made of.
    private static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-" || scalar == "_"
    }
}

import DashboardCore

/// Reads `NOTIFY_URLS` (see docs/notifications.md).
public enum NotifyChannels {
    /// The schemes a channel may use, as the problem messages list them.
    static let schemeList = "https, http, slack+https, ntfy+https, ntfy+http, smtp or smtps"

    /// Parses comma-separated `NOTIFY_URLS`; bad entries are reported by position with
    /// credentials masked, the others kept. A comma followed by text that does not start a
    /// new URL belongs to the entry before it (`smtp://…/?from=a@x&to=b@y,c@z`); empty
    /// entries are skipped and not counted. A URL listed twice is kept once.
    public static func parse(_ setting: String) -> (channels: [NotifyChannel], problems: [NotifyChannelProblem]) {
        var channels: [NotifyChannel] = []
        var problems: [NotifyChannelProblem] = []
        for (offset, entry) in entries(of: setting).enumerated() {
            let position = offset + 1
            do {
                let channel = try channel(from: entry, position: position)
                if let first = channels.first(where: { $0.key == channel.key }) {
                    problems.append(
                        NotifyChannelProblem(
                            position: position,
                            message: "NOTIFY_URLS entry \(position) (\(channel.label)): the same URL as entry \(first.position); sent once"))
                } else {
                    channels.append(channel)
                }
            } catch {
                problems.append(error)
            }
        }
        return (channels, problems)
    }

    /// The entries of the setting, trimmed, without empty ones.
    static func entries(of setting: String) -> [String] {
        var entries: [String] = []
        for piece in setting.split(separator: ",", omittingEmptySubsequences: false) {
            let text = piece.trimmingWhitespaceAndNewlines()
            // A recipient list continues the SMTP URL before it: only `scheme://` starts an entry.
            if !startsWithScheme(text), let last = entries.last, last.contains("?") {
                entries[entries.count - 1] = last + "," + text
            } else if !text.isEmpty {
                entries.append(text)
            }
        }
        return entries.map { $0.hasSuffix(",") ? String($0.dropLast()) : $0 }
    }

    private static func startsWithScheme(_ text: String) -> Bool {
        guard let separator = text.firstRange(of: "://") else { return false }
        let scheme = text[..<separator.lowerBound]
        return !scheme.isEmpty
            && scheme.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "+.-".unicodeScalars.contains($0) }
    }

    /// The channel for one entry, or why it cannot be used.
    static func channel(from text: String, position: Int) throws(NotifyChannelProblem) -> NotifyChannel {
        let url: ChannelURL
        do {
            url = try ChannelURL.parse(text)
        } catch {
            switch error {
            case .notAURL:
                throw NotifyChannelProblem(
                    position: position, message: "NOTIFY_URLS entry \(position): not a URL; expected scheme://host/…, with scheme \(schemeList)")
            case .badAuthority(let scheme, let hasUserInfo):
                let shown = "\(clip(scheme))://\(hasUserInfo ? "***@" : "")…"
                throw NotifyChannelProblem(
                    position: position,
                    message:
                        "NOTIFY_URLS entry \(position) (\(shown)): cannot read the host and port; "
                        + "percent-encode / ? # @ : in a user name or password (e.g. %2F for /)")
            }
        }
        let shown = problemLabel(url)
        func problem(_ text: String) -> NotifyChannelProblem {
            NotifyChannelProblem(position: position, message: "NOTIFY_URLS entry \(position) (\(shown)): \(text)")
        }
        let key = String(Digest.hex(Digest.sha256(Array(text.utf8))).prefix(16))
        var secrets = [text, url.rawUser, url.user, url.rawPassword, url.password, url.fragment].compactMap { $0 }
        switch url.scheme {
        case "https", "http":
            secrets += pathAndQuerySecrets(url)
            let target = httpTarget(url, scheme: url.scheme, query: url.query)
            return NotifyChannel(kind: .webhook, position: position, key: key, label: httpLabel(url), target: .http(target), secrets: secrets)
        case "slack+https":
            secrets += pathAndQuerySecrets(url)
            let target = httpTarget(url, scheme: "https", query: url.query)
            return NotifyChannel(kind: .slack, position: position, key: key, label: httpLabel(url), target: .http(target), secrets: secrets)
        case "ntfy+https", "ntfy+http":
            secrets += pathAndQuerySecrets(url)
            let topic = url.path.drop { $0 == "/" }
            guard !topic.isEmpty else { throw problem("no topic; use \(url.scheme)://host/TOPIC") }
            // `auth=` / `token=` carry an access token; the other parameters go to ntfy as they are.
            let tokens = url.queryItems.filter { $0.key == "auth" || $0.key == "token" }.map(\.value)
            let kept = url.query?.split(separator: "&").filter { !($0.hasPrefix("auth=") || $0.hasPrefix("token=")) }.joined(separator: "&")
            var target = httpTarget(url, scheme: String(url.scheme.dropFirst("ntfy+".count)), query: kept)
            if let token = tokens.last, !token.isEmpty {
                target.bearerToken = Secret(token)
            } else if url.rawPassword == nil || url.user?.isEmpty == true, let token = url.rawPassword ?? url.user, !token.isEmpty {
                // `ntfy+https://TOKEN@host/topic` or `ntfy+https://:TOKEN@host/topic`: a token, not a login.
                target.bearerToken = Secret(PercentEncoding.decode(token) ?? token)
                target.basicUser = nil
                target.basicPassword = nil
            }
            return NotifyChannel(kind: .ntfy, position: position, key: key, label: httpLabel(url), target: .http(target), secrets: secrets)
        case "smtp", "smtps":
            let target = try smtpTarget(url, problem: problem)
            let label = "\(url.scheme)://\(url.host):\(url.port ?? (url.scheme == "smtps" ? 465 : 587))"
            return NotifyChannel(kind: .email, position: position, key: key, label: label, target: .smtp(target), secrets: secrets)
        default:
            throw problem("unknown scheme \(clip(url.scheme)); use \(schemeList)")
        }
    }

    /// The entry as a problem message shows it: scheme, `***@` for user info, host and port, `/…` for the rest.
    private static func problemLabel(_ url: ChannelURL) -> String {
        let tail = (url.path.count > 1 || url.query != nil) ? "/…" : ""
        return "\(clip(url.scheme))://\(url.rawUser != nil ? "***@" : "")\(url.authority)\(tail)"
    }

    /// `https://host[:port]` with `/…` when a path or query follows; `slack+` / `ntfy+` kept.
    private static func httpLabel(_ url: ChannelURL) -> String {
        let tail = (url.path.count > 1 || !(url.query ?? "").isEmpty) ? "/…" : ""
        return "\(url.scheme)://\(url.authority)\(tail)"
    }

    /// A webhook path and query are secret (Slack's and Discord's carry the token): the
    /// whole of each, every long path segment and every query value.
    private static func pathAndQuerySecrets(_ url: ChannelURL) -> [String] {
        var secrets: [String] = []
        if url.path.count > 1 {
            secrets.append(url.path)
            secrets += url.path.split(separator: "/").filter { $0.count >= 6 }.map(String.init)
        }
        if let query = url.query, !query.isEmpty {
            secrets.append(query)
            for item in query.split(separator: "&") {
                if let equals = item.firstIndex(of: "=") { secrets.append(String(item[item.index(after: equals)...])) }
            }
            secrets += url.queryItems.map(\.value)
        }
        return secrets
    }

    private static func httpTarget(_ url: ChannelURL, scheme: String, query: String?) -> HTTPTarget {
        let path = url.path.isEmpty ? "/" : url.path
        let full = "\(scheme)://\(url.authority)\(path)\(query.map { $0.isEmpty ? "" : "?\($0)" } ?? "")"
        return HTTPTarget(
            scheme: scheme, url: Secret(full), basicUser: url.user.map(Secret.init), basicPassword: url.user == nil ? nil : Secret(url.password ?? ""),
            bearerToken: nil)
    }

    private static func smtpTarget(_ url: ChannelURL, problem: (String) -> NotifyChannelProblem) throws(NotifyChannelProblem) -> SMTPTarget {
        guard url.path.isEmpty || url.path == "/" else {
            throw problem("an smtp URL has no path; use \(url.scheme)://host:port/?from=alerts@example.org&to=ops@example.org")
        }
        var from: String?
        var to: [String] = []
        var requireTLS = true
        for (key, value) in url.queryItems {
            switch key {
            case "from": from = value.trimmingWhitespace()
            case "to": to += value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            case "starttls":
                switch value.lowercased() {
                case "off", "false", "no": requireTLS = false
                case "on", "true", "yes", "required": requireTLS = true
                default: throw problem("starttls=\(clip(value)) is not on or off")
                }
            default:
                throw problem("unknown option \(clip(key)); use from, to and starttls")
            }
        }
        guard let from, !to.isEmpty else {
            throw problem("an e-mail channel needs from= and to=, e.g. \(url.scheme)://host:587/?from=alerts@example.org&to=ops@example.org,oncall@example.org")
        }
        for address in [from] + to where !isAddress(address) {
            throw problem("\"\(clip(address))\" is not an e-mail address like name@example.org")
        }
        let scheme = url.scheme
        let port = url.port ?? (scheme == "smtps" ? 465 : 587)
        return SMTPTarget(
            scheme: scheme, url: "\(scheme)://\(url.host):\(port)", requireTLS: scheme == "smtps" || requireTLS, user: url.user.map(Secret.init),
            password: url.password.map(Secret.init), from: from, to: to)
    }

    /// A plain ASCII `local@domain`: nothing that could break the SMTP envelope or a header.
    private static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 254 else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }
    }

    /// A piece of an entry shown in a message: bounded, one line.
    private static func clip(_ text: String) -> String {
        UntrustedText.clean(text, limit: 40)
    }
}

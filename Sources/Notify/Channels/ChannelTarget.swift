import DashboardCore

/// Where and how a channel's messages go: everything needed to send, secrets wrapped
/// in ``Secret`` so they never print.
enum ChannelTarget: Sendable, Equatable {
    /// An HTTP POST (webhook, Slack-compatible or ntfy).
    case http(HTTPTarget)
    /// An e-mail over SMTP.
    case smtp(SMTPTarget)
}

/// An HTTP endpoint: the URL without user info, and the credentials apart.
struct HTTPTarget: Sendable, Equatable {
    /// `http` or `https`: the only protocol libcurl may use for it.
    var scheme: String
    /// The URL to POST to, without user info or fragment; its path and query may be secret.
    var url: Secret
    /// Basic-auth user and password from the URL's user info.
    var basicUser: Secret?
    /// The Basic-auth password (may be empty).
    var basicPassword: Secret?
    /// A bearer token (ntfy access tokens).
    var bearerToken: Secret?
}

/// An SMTP server and the envelope.
struct SMTPTarget: Sendable, Equatable {
    /// `smtp` (STARTTLS) or `smtps` (implicit TLS).
    var scheme: String
    /// `smtp://host:port`, no credentials.
    var url: String
    /// Whether STARTTLS is required (`smtp` unless `starttls=off`; `smtps` is TLS from the start).
    var requireTLS: Bool
    /// The login for AUTH.
    var user: Secret?
    /// The password for AUTH.
    var password: Secret?
    /// The envelope sender and `From:` address.
    var from: String
    /// The envelope recipients and `To:` addresses.
    var to: [String]
}

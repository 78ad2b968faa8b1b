import DashboardCore

/// One destination from `NOTIFY_URLS`: a webhook, a Slack-compatible hook, an ntfy topic
/// or an e-mail route. It prints as its ``label``, which carries no secret (see docs/notifications.md).
public struct NotifyChannel: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// What kind of receiver the URL's scheme selects.
    public enum Kind: String, Sendable {
        /// `https://…` or `http://…`: a signed JSON POST.
        case webhook
        /// `slack+https://…`: `{"text": …}` for Slack, Mattermost, Rocket.Chat, Discord's `/slack`.
        case slack
        /// `ntfy+https://host/topic`: an ntfy message.
        case ntfy
        /// `smtp://…` or `smtps://…`: an e-mail.
        case email
    }

    /// The kind of receiver.
    public let kind: Kind
    /// The 1-based position of the entry in `NOTIFY_URLS`.
    public let position: Int
    /// A stable id: the first 16 hex digits of the SHA-256 of the whole URL.
    public let key: String
    /// How the channel is shown everywhere: scheme, host and port, never credentials,
    /// path or query (`https://hooks.example.org/…`, `smtp://mail.example.org:587`).
    public let label: String
    /// Where and how to send.
    let target: ChannelTarget
    /// Every secret of the channel, longest first, as written and percent-decoded.
    private let secrets: [String]

    init(kind: Kind, position: Int, key: String, label: String, target: ChannelTarget, secrets: [String]) {
        self.kind = kind
        self.position = position
        self.key = key
        self.label = label
        self.target = target
        // Longest first, so the whole URL is masked before the pieces it contains; very short
        // pieces (a one-letter path) are left, as masking them would garble every message.
        self.secrets = Array(Set(secrets.filter { $0.count >= 3 })).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// `text` with every secret of this channel (password, user token, path, query values,
    /// the whole URL) replaced by `***`.
    public func mask(_ text: String) -> String {
        var masked = text
        for secret in secrets where masked.contains(secret) {
            masked = masked.replacing(secret, with: "***")
        }
        return masked
    }

    /// The label.
    public var description: String { label }

    /// Kind, position, key and label only: `dump` and reflection show no secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["kind": kind, "position": position, "key": key, "label": label])
    }
}

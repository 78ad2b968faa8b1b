import BlockingWork
import CLibCurl
import DashboardCore
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sends notifications to channels with libcurl (see docs/notifications.md).
public struct Notifier: Sendable {
    /// How messages are sent.
    public let settings: NotifySettings
    private let logger: Logger
    /// Threads for the blocking libcurl calls: one per transfer in flight, so concurrent
    /// sends never queue behind a slow receiver (channels are few; 64 is far above them).
    private static let threads = BlockingThreadPool(name: "notify", maximumThreads: 64)

    /// Creates a notifier.
    public init(settings: NotifySettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Sends one message to `channel`: a single event when `events.count == 1`, one grouped
    /// message for all of them otherwise. An empty list sends nothing and counts as delivered.
    ///
    /// The blocking libcurl call runs on a dedicated thread, never on the cooperative pool,
    /// and lasts at most `settings.timeoutSeconds`.
    public func send(_ events: [NotificationEvent], to channel: NotifyChannel) async -> DeliveryOutcome {
        guard !events.isEmpty else { return .delivered }
        var logger = logger
        logger[metadataKey: "notify.channel"] = "\(channel.label)"
        logger[metadataKey: "notify.events"] = "\(events.count)"
        if !settings.verifyTLS {
            logger.warning("sending without checking TLS certificates (NOTIFY_TLS_VERIFY=false)")
        }
        if case .smtp(let target) = channel.target, !target.requireTLS {
            logger.warning("sending e-mail in clear text: the channel has starttls=off")
        }
        let transfer = makeTransfer(events, to: channel)
        let result = await Self.threads.run { Result<CurlTransfer.Result, Never>.success(transfer.perform()) }.get()
        let outcome = outcome(of: result, channel: channel)
        switch outcome {
        case .delivered:
            logger.debug("notification delivered")
        case .failed(let reason):
            logger.debug("notification failed", metadata: ["notify.error": "\(reason)"])
        }
        return outcome
    }

    /// The request for `events` on `channel`.
    func makeTransfer(_ events: [NotificationEvent], to channel: NotifyChannel) -> CurlTransfer {
        let timeout = Int((settings.timeoutSeconds * 1000).rounded(.up))
        switch channel.target {
        case .http(let target):
            var headers: [String]
            let body: [UInt8]
            switch channel.kind {
            case .ntfy:
                let message = NtfyMessage(events, dashboardURL: settings.dashboardURL)
                headers = message.headers + ["Content-Type: text/plain; charset=utf-8"]
                body = message.body
            case .slack:
                body = SlackMessage.body(events, dashboardURL: settings.dashboardURL)
                headers = ["Content-Type: application/json"]
            case .webhook, .email:
                body = WebhookPayload.body(events, dashboardURL: settings.dashboardURL)
                let id = events.count == 1 ? events[0].eventID : EventText.groupID(events)
                headers = ["Content-Type: application/json", "Idempotency-Key: " + UntrustedText.clean(id, limit: 100)]
                if let secret = settings.webhookSecret {
                    headers.append("X-Signature-256: " + WebhookPayload.signature(of: body, secret: secret))
                }
            }
            return CurlTransfer(
                url: target.url, protocols: target.scheme, payload: .post(headers: headers, body: body), user: target.basicUser,
                password: target.basicPassword, bearerToken: target.bearerToken, timeoutMilliseconds: timeout, caFile: settings.caFile,
                verifyTLS: settings.verifyTLS)
        case .smtp(let target):
            let message = EmailMessage.text(events, from: target.from, to: target.to, dashboardURL: settings.dashboardURL)
            return CurlTransfer(
                url: Secret(target.url), protocols: target.scheme, payload: .mail(from: target.from, recipients: target.to, message: message),
                user: target.user, password: target.password, requireTLS: target.requireTLS, timeoutMilliseconds: timeout, caFile: settings.caFile,
                verifyTLS: settings.verifyTLS)
        }
    }

    /// The outcome a person reads: what happened, with the channel's label, secrets masked.
    func outcome(of result: CurlTransfer.Result, channel: NotifyChannel) -> DeliveryOutcome {
        let code = CURLcode(rawValue: result.code)
        let label = channel.label
        let detail = result.detail
        let text: String
        switch code {
        case CURLE_OK:
            if channel.kind == .email || (200..<300).contains(result.status) { return .delivered }
            text = "HTTP \(result.status) from \(label)"
        case CURLE_OPERATION_TIMEDOUT:
            text = "timed out after \(EventText.figure(settings.timeoutSeconds)) s (\(label))"
        case CURLE_COULDNT_CONNECT:
            text = result.osErrno == ECONNREFUSED ? "connection refused by \(label)" : "cannot connect to \(label): \(detail)"
        case CURLE_COULDNT_RESOLVE_HOST:
            text = "cannot resolve the host of \(label): \(detail)"
        case CURLE_USE_SSL_FAILED:
            text = "the server does not offer STARTTLS: refused to send in clear (\(label); add starttls=off to the URL only if clear text is acceptable)"
        case CURLE_LOGIN_DENIED:
            text = "login refused by \(label): \(detail)"
        case CURLE_PEER_FAILED_VERIFICATION:
            text = "TLS certificate of \(label) not trusted (\(detail)); put its CA in NOTIFY_CA_FILE"
        case CURLE_SSL_CONNECT_ERROR:
            text = "TLS handshake with \(label) failed: \(detail)"
        default:
            text = "\(label): \(detail)"
        }
        return .failed(channel.mask(UntrustedText.clean(text, limit: 600)))
    }
}

import DashboardCore

/// The JSON body of a webhook POST (see docs/notifications.md): one event, or a group of them.
enum WebhookPayload {
    /// The body for `events`: a single payload for one, `event: "grouped"` for several.
    static func body(_ events: [NotificationEvent], dashboardURL: String?) -> [UInt8] {
        var json = JSONWriter(capacity: 512 * events.count)
        if events.count == 1 {
            write(EventText(events[0]), dashboardURL: dashboardURL, to: &json)
        } else {
            let texts = events.map(EventText.init)
            json.object { json in
                json.key("dashboard_url"); json.string(dashboardURL)
                json.key("event"); json.string("grouped")
                json.key("event_id"); json.string(EventText.groupID(events))
                json.key("events")
                json.array(texts) { json, text in write(text, dashboardURL: dashboardURL, to: &json) }
                json.key("summary"); json.string(EventText.summary(texts))
            }
        }
        return json.bytes
    }

    /// `{alert: {...}, dashboard_url, event, event_id}`, keys sorted as everywhere in the project.
    private static func write(_ text: EventText, dashboardURL: String?, to json: inout JSONWriter) {
        let event = text.event
        json.object { json in
            json.key("alert")
            json.object { json in
                json.key("id"); json.integer(Int(event.alertID))
                json.key("message"); json.string(event.message)
                json.key("opened_at"); json.timestamp(event.openedAt)
                json.key("resolved_at"); json.timestamp(event.resolvedAt)
                json.key("server"); json.string(event.server)
                json.key("severity"); json.string(event.severity)
                json.key("type"); json.string(event.type)
                json.key("value"); json.number(event.value)
            }
            json.key("dashboard_url"); json.string(dashboardURL)
            json.key("event"); json.string(event.event)
            json.key("event_id"); json.string(event.eventID)
        }
    }

    /// `sha256=<hex HMAC-SHA256 of body>` for `X-Signature-256`.
    static func signature(of body: [UInt8], secret: Secret) -> String {
        "sha256=" + Digest.hex(Digest.hmacSHA256(key: Array(secret.reveal().utf8), message: body))
    }
}

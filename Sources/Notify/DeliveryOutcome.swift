/// How one send fared.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver accepted the message (HTTP 2xx, or the SMTP server took the mail).
    case delivered
    /// It did not; the text says what happened, credentials masked
    /// (`HTTP 500 from https://hooks.example.org/…`, `timed out after 10 s`).
    case failed(String)
}

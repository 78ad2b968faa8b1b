/// What to do when a server's host key is not the one on record (`HOST_KEY_POLICY`).
public enum HostKeyPolicy: String, Sendable, Equatable, CaseIterable {
    /// Unknown or changed keys are refused (the default).
    case strict
    /// Unknown keys are trusted on first use and appended to the file; changed keys are refused.
    case acceptNew = "accept-new"
    /// No verification at all; every result says so, so the caller can warn on every run.
    case off
}

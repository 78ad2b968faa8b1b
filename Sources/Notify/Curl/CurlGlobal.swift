import CLibCurl

/// libcurl's process-wide set-up, done once: `curl_global_init` is not thread-safe, and a
/// `static let` runs its initializer exactly once, under a lock, on first use.
enum CurlGlobal {
    /// Whether `curl_global_init` succeeded.
    static let isReady: Bool = shim_curl_global_init() == CURLE_OK
}

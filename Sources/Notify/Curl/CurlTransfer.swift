import CLibCurl
import DashboardCore

/// One request for libcurl, built on the calling task and performed on a thread of its own.
struct CurlTransfer: Sendable {
    /// What is sent.
    enum Payload: Sendable {
        /// An HTTP POST with these extra header lines and this body.
        case post(headers: [String], body: [UInt8])
        /// An e-mail: envelope sender, envelope recipients, the RFC 5322 text.
        case mail(from: String, recipients: [String], message: [UInt8])
    }

    /// The URL (its path and query may be secret).
    var url: Secret
    /// The one protocol libcurl may use: `http`, `https`, `smtp` or `smtps`.
    var protocols: String
    /// What is sent.
    var payload: Payload
    /// Login for HTTP Basic auth or SMTP AUTH.
    var user: Secret?
    /// The password that goes with ``user``.
    var password: Secret?
    /// An `Authorization: Bearer` token.
    var bearerToken: Secret?
    /// For SMTP: whether STARTTLS is required (`CURLUSESSL_ALL`); without it, plain text.
    var requireTLS = false
    /// The whole transfer, connecting included.
    var timeoutMilliseconds: Int
    /// Extra CAs to trust (the system's stay trusted through libcurl's CA path).
    var caFile: String?
    /// Whether certificates and host names are checked.
    var verifyTLS: Bool

    /// What came of it.
    struct Result: Sendable {
        /// libcurl's result code (`CURLE_OK`…), as its raw value.
        var code: UInt32
        /// The HTTP status, 0 for SMTP or when none arrived.
        var status: Int
        /// libcurl's own words about a failure (may name hosts; masked by the caller).
        var detail: String
        /// The errno behind a failed connection (`ECONNREFUSED`…), 0 when none.
        var osErrno: Int32 = 0
    }

    /// Runs the transfer, blocking the calling thread for at most the timeout.
    func perform() -> Result {
        guard let easy = CurlEasy() else {
            return Result(code: CURLE_FAILED_INIT.rawValue, status: 0, detail: "libcurl could not be initialised")
        }
        do {
            try configure(easy)
        } catch {
            return Result(code: CURLE_FAILED_INIT.rawValue, status: 0, detail: "libcurl refused an option: \(error.message)")
        }
        let code = easy.perform()
        return Result(code: code.rawValue, status: easy.responseCode, detail: code == CURLE_OK ? "" : easy.errorText(for: code), osErrno: easy.osErrno)
    }

    private func configure(_ easy: CurlEasy) throws(CurlEasy.SetupError) {
        try easy.set(CURLOPT_URL, url.reveal())
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_PROTOCOLS_STR, protocols)
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, protocols)
        try easy.set(CURLOPT_FOLLOWLOCATION, 0)
        try easy.set(CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, timeoutMilliseconds)
        try easy.set(CURLOPT_SSL_VERIFYPEER, verifyTLS ? 1 : 0)
        try easy.set(CURLOPT_SSL_VERIFYHOST, verifyTLS ? 2 : 0)
        if let caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        if let user {
            try easy.set(CURLOPT_USERNAME, user.reveal())
            try easy.set(CURLOPT_PASSWORD, password?.reveal() ?? "")
        }
        try easy.discardResponse()
        switch payload {
        case .post(let headers, let body):
            var lines = headers
            if let bearerToken { lines.append("Authorization: Bearer \(bearerToken.reveal())") }
            // No `Expect: 100-continue` round trip before larger bodies.
            lines.append("Expect:")
            try easy.set(CURLOPT_USERAGENT, "server-dashboard")
            try easy.set(CURLOPT_HTTPHEADER, list: lines)
            try easy.setPostBody(body)
        case .mail(let from, let recipients, let message):
            try easy.set(CURLOPT_USE_SSL, Int(requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue))
            try easy.set(CURLOPT_MAIL_FROM, "<\(from)>")
            try easy.set(CURLOPT_MAIL_RCPT, list: recipients.map { "<\($0)>" })
            try easy.setUpload(message)
        }
    }
}

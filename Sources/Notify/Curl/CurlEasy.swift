import CLibCurl

/// One libcurl easy handle with everything it points at (header lists, the error buffer,
/// the upload), all freed in `deinit` whichever way the transfer ended.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var upload: UploadSource?

    /// A libcurl option could not be set: this libcurl lacks a feature the transfer needs.
    struct SetupError: Error {
        /// curl_easy_strerror's text.
        let message: String
    }

    /// A new handle, or `nil` when libcurl cannot make one (out of memory, failed global init).
    init?() {
        guard CurlGlobal.isReady, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        shim_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// Sets an option that takes a number.
    func set(_ option: CURLoption, _ value: Int) throws(SetupError) {
        try check(shim_curl_easy_setopt_long(handle, option, value))
    }

    /// Sets an option that takes text (libcurl keeps a copy).
    func set(_ option: CURLoption, _ value: String) throws(SetupError) {
        try check(shim_curl_easy_setopt_string(handle, option, value))
    }

    /// Sets an option that takes a list of strings; the list lives as long as the handle.
    func set(_ option: CURLoption, list values: [String]) throws(SetupError) {
        var head: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let appended = curl_slist_append(head, value) else {
                if let head { curl_slist_free_all(head) }
                throw SetupError(message: "out of memory building a list for libcurl")
            }
            head = appended
        }
        guard let head else { return }
        lists.append(head)
        try check(shim_curl_easy_setopt_pointer(handle, option, head))
    }

    /// Posts `body` as the request body (libcurl copies it).
    func setPostBody(_ body: [UInt8]) throws(SetupError) {
        try check(shim_curl_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        let code = body.withUnsafeBytes { bytes in
            shim_curl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        }
        try check(code)
    }

    /// Uploads `bytes` (an e-mail for SMTP) through a read callback.
    func setUpload(_ bytes: [UInt8]) throws(SetupError) {
        let source = UploadSource(bytes)
        upload = source
        try set(CURLOPT_UPLOAD, 1)
        try check(shim_curl_easy_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count)))
        try check(shim_curl_easy_setopt_callback(handle, CURLOPT_READFUNCTION, UploadSource.read))
        try check(shim_curl_easy_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque()))
    }

    /// Throws the response body away (without a write callback libcurl prints it to stdout).
    func discardResponse() throws(SetupError) {
        try check(shim_curl_easy_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { _, size, count, _ in size * count })
    }

    /// Runs the transfer (blocking, bounded by the timeouts set).
    func perform() -> CURLcode {
        errorBuffer[0] = 0
        return curl_easy_perform(handle)
    }

    /// The last HTTP status code (0 when none was received).
    var responseCode: Int {
        var code = 0
        _ = shim_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The operating system's errno of the last failed connect or socket call (0 when none).
    var osErrno: Int32 {
        var value = 0
        _ = shim_curl_easy_getinfo_long(handle, CURLINFO_OS_ERRNO, &value)
        return Int32(truncatingIfNeeded: value)
    }

    /// What libcurl said about the last failure: the error buffer, or the code's generic text.
    func errorText(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    private func check(_ code: CURLcode) throws(SetupError) {
        guard code == CURLE_OK else { throw SetupError(message: String(cString: curl_easy_strerror(code))) }
    }
}

/// The bytes an upload reads from, with how far it got.
private final class UploadSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// CURLOPT_READFUNCTION: copies the next bytes into libcurl's buffer; 0 at the end.
    static let read: shim_curl_data_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let source = Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
        let length = min(size * count, source.bytes.count - source.offset)
        guard length > 0 else { return 0 }
        source.bytes.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + source.offset, byteCount: length)
        }
        source.offset += length
        return length
    }
}

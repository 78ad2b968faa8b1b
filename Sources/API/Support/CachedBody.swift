import CompressNIO
import DashboardCore
import Hummingbird
import NIOCore

/// A JSON body encoded once and served many times: the plain bytes, a gzip copy and an
/// entity tag, so a poll costs a header comparison or a buffer write, never an encode.
///
/// This is the hot path of a polled dashboard, so answering allocates as little as it
/// can: the header sets are built once, and the request's headers are scanned in place.
struct CachedBody: Sendable {
    let plain: ByteBuffer
    let gzip: ByteBuffer?
    /// A strong entity tag over the plain bytes.
    let etag: String
    private let plainHeaders: HTTPFields
    private let gzipHeaders: HTTPFields
    private let plainNotModifiedHeaders: HTTPFields
    private let gzipNotModifiedHeaders: HTTPFields

    /// Bodies smaller than this are not worth compressing.
    static let compressionThreshold = 1024

    /// Encodes and compresses a body.
    init(_ bytes: ByteBuffer) {
        plain = bytes
        if bytes.readableBytes >= Self.compressionThreshold {
            var input = bytes
            gzip = try? input.compress(with: .gzip())
        } else {
            gzip = nil
        }
        etag = "\"\(String(StableHash.fnv1a(bytes: bytes.readableBytesView), radix: 16))-\(bytes.readableBytes)\""
        // A 304 carries the validator and Vary of the 200 it stands for, and that 200's
        // Content-Length (RFC 9110 §8.6, §15.4.5), but no other representation header.
        plainNotModifiedHeaders = [.eTag: etag, .vary: "Accept-Encoding", .contentLength: String(bytes.readableBytes)]
        gzipNotModifiedHeaders = [.eTag: etag, .vary: "Accept-Encoding", .contentLength: String(gzip?.readableBytes ?? bytes.readableBytes)]
        plainHeaders = [.contentType: JSONResponse.contentType, .eTag: etag, .vary: "Accept-Encoding", .contentLength: String(bytes.readableBytes)]
        var gzipHeaders = plainHeaders
        gzipHeaders[.contentEncoding] = "gzip"
        gzipHeaders[.contentLength] = String(gzip?.readableBytes ?? bytes.readableBytes)
        self.gzipHeaders = gzipHeaders
    }

    /// The answer to a request with these header fields, without the `Date` and `Server`
    /// headers the server adds: 304 (no body) when its `If-None-Match` matches, gzip when
    /// accepted. Nothing is allocated: the header sets are built once.
    func answer(to requestFields: HTTPFields) -> (status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer?) {
        let compressed = gzip.flatMap { Self.acceptsGzip(requestFields[.acceptEncoding]) ? $0 : nil }
        if let match = requestFields[.ifNoneMatch], EntityTagList.contains(etag, in: match) {
            return (.notModified, compressed == nil ? plainNotModifiedHeaders : gzipNotModifiedHeaders, nil)
        }
        if let compressed {
            return (.ok, gzipHeaders, compressed)
        }
        return (.ok, plainHeaders, plain)
    }

    /// The answer for `request`, as ``answer(to:)`` gives it.
    func response(for request: Request) -> Response {
        let answer = answer(to: request.headers)
        return Response(status: answer.status, headers: answer.headers, body: answer.body.map { .init(byteBuffer: $0) } ?? .init())
    }

    /// Whether an `Accept-Encoding` header allows gzip: the first `gzip` or `*` entry
    /// decides, and a `q=0` on it refuses.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard var header else { return false }
        return header.withUTF8 { bytes in
            for item in HeaderItems(bytes) {
                let coding = item.first
                guard HeaderItems.equalsIgnoringCase(coding, "gzip") || HeaderItems.equalsIgnoringCase(coding, "*") else { continue }
                return !item.parameters.contains { HeaderItems.isZeroQuality($0.whole) }
            }
            return false
        }
    }
}

/// `If-None-Match` matching without splitting the header into strings.
enum EntityTagList {
    /// Whether the comma-separated list `header` holds `etag` (surrounding spaces ignored).
    static func contains(_ etag: String, in header: String) -> Bool {
        var header = header
        var etag = etag
        return header.withUTF8 { bytes in
            etag.withUTF8 { tag in
                HeaderItems(bytes).contains { item in item.whole.elementsEqual(tag) }
            }
        }
    }
}

import Hummingbird
import NIOCore
import Testing

@testable import API

/// The header handling of the cached-body hot path, which scans headers in place.
@Suite struct CachedBodyTests {
    @Test(arguments: [
        ("gzip", true), ("GZIP", true), ("gzip, deflate, br", true), ("br, gzip", true), (" deflate ,\tgzip ", true),
        ("*", true), ("gzip;q=0.5", true), ("gzip; q=1", true), ("deflate, *;q=0.1", true),
        ("gzip;q=0", false), ("gzip; Q=0.000", false), ("gzip;q=0.0, *", false), ("identity", false),
        ("deflate, br", false), ("", false), ("gzipx", false), ("x-gzip", false), (",,", false),
    ])
    func acceptEncoding(_ header: String, _ accepted: Bool) {
        #expect(CachedBody.acceptsGzip(header) == accepted)
    }

    @Test func noAcceptEncodingMeansPlain() {
        #expect(!CachedBody.acceptsGzip(nil))
    }

    @Test(arguments: [
        (#""abc-12""#, true), (#"W/"x", "abc-12""#, true), (#" "abc-12" "#, true), (#""abc-1""#, false),
        (#""abc-12"x"#, false), ("", false), (",", false),
    ])
    func ifNoneMatch(_ header: String, _ matches: Bool) {
        #expect(EntityTagList.contains(#""abc-12""#, in: header) == matches)
    }

    @Test func answersWithTheRightBodyAndHeaders() {
        let body = CachedBody(ByteBuffer(string: String(repeating: #"{"a":1}"#, count: 300)))
        let gzip = body.response(for: request(acceptEncoding: "gzip"))
        #expect(gzip.status == .ok)
        #expect(gzip.headers[.contentEncoding] == "gzip")
        #expect(gzip.headers[.eTag] == body.etag)
        #expect(gzip.headers[.vary] == "Accept-Encoding")
        #expect(gzip.body.contentLength == body.gzip?.readableBytes)

        let plain = body.response(for: request())
        #expect(plain.headers[.contentEncoding] == nil)
        #expect(plain.headers[.contentType] == JSONResponse.contentType)
        #expect(plain.body.contentLength == 2100)

        let notModified = body.response(for: request(acceptEncoding: "gzip", ifNoneMatch: body.etag))
        #expect(notModified.status == .notModified)
        #expect(notModified.headers[.eTag] == body.etag)
        #expect(notModified.body.contentLength == 0)
    }

    private func request(acceptEncoding: String? = nil, ifNoneMatch: String? = nil) -> Request {
        var fields = HTTPFields()
        fields[.acceptEncoding] = acceptEncoding
        fields[.ifNoneMatch] = ifNoneMatch
        let head = HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/api/servers/metrics/latest", headerFields: fields)
        return Request(head: head, body: .init(buffer: ByteBuffer()))
    }
}

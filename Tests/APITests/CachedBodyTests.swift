import Hummingbird
import NIOCore
import Synchronization
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

    /// A deferred body is encoded once, when first asked for; an encoding error is rethrown and never served.
    @Test func aDeferredBodyIsEncodedOnceWhenFirstAskedFor() throws {
        let calls = Atomic<Int>(0)
        let deferred = DeferredBody {
            calls.add(1, ordering: .relaxed)
            return CachedBody(ByteBuffer(string: #"{"a":1}"#))
        }
        #expect(deferred.ifEncoded == nil && calls.load(ordering: .relaxed) == 0)
        let first = try deferred.body()
        #expect(try deferred.body().etag == first.etag)
        #expect(deferred.ifEncoded?.etag == first.etag && calls.load(ordering: .relaxed) == 1)

        struct Broken: Error {}
        let failing = DeferredBody { throw Broken() }
        #expect(throws: Broken.self) { try failing.body() }
        #expect(failing.ifEncoded == nil)
    }
}

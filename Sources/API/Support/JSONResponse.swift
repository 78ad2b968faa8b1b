import DashboardCore
import Foundation
import Hummingbird
import CompressNIO
import NIOCore

/// Builds JSON answers with the project's conventions (snake_case keys, UTC ISO-8601, sorted keys).
enum JSONResponse {
    /// The media type of every JSON answer.
    static let contentType = "application/json; charset=utf-8"

    /// Encodes `value`; a value that cannot be encoded is a programming error and answers 500.
    static func encode<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        do {
            let data = try DashboardJSON.makeEncoder().encode(value)
            return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            let fallback = #"{"success":false,"error":"the api could not encode its answer","details":{"code":"INTERNAL_ERROR"}}"#
            return Response(status: .internalServerError, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: fallback)))
        }
    }

    /// Encodes `value` to bytes, for answers that are cached.
    static func bytes<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(bytes: try DashboardJSON.makeEncoder().encode(value))
    }
}

/// A JSON body encoded once and served many times: the plain bytes, a gzip copy and an
/// entity tag, so a poll costs a header comparison or a buffer write, never an encode.
struct CachedBody: Sendable {
    let plain: ByteBuffer
    let gzip: ByteBuffer?
    /// A strong entity tag over the plain bytes.
    let etag: String

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
    }

    /// The answer for `request`: 304 when its `If-None-Match` matches, gzip when accepted.
    func response(for request: Request) -> Response {
        var headers: HTTPFields = [.contentType: JSONResponse.contentType, .eTag: etag, .vary: "Accept-Encoding"]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        if let gzip, Self.acceptsGzip(request.headers[.acceptEncoding]) {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzip))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: plain))
    }

    /// Whether an `Accept-Encoding` header allows gzip (a `q=0` refuses it).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.first == "gzip" || parts.first == "*" else { continue }
            let refused = parts.dropFirst().contains { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }
            return !refused
        }
        return false
    }
}

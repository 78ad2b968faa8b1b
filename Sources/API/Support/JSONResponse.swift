import CompressNIO
import DashboardCore
import FoundationEssentials
import Hummingbird
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
            // The error document's shape (DashboardWire's ErrorDocument), written by hand as encoding just failed.
            let fallback =
                #"{"success":false,"error":"the api could not encode its answer","details":{"code":"INTERNAL_ERROR","timestamp":""#
                + Timestamp.format(Date()) + #""}}"#
            return Response(status: .internalServerError, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: fallback)))
        }
    }

    /// Writes `value` with ``JSONWriter`` — for large answers, where `JSONEncoder` is slow;
    /// `capacity` is the expected size in bytes.
    static func write(_ value: some JSONWritable, status: HTTPResponse.Status = .ok, capacity: Int = 0) -> Response {
        var writer = JSONWriter(capacity: capacity)
        writer.value(value)
        let body = writer.withUnsafeBytes { ByteBuffer(bytes: $0) }
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: body))
    }

    /// Encodes `value` to bytes, for answers that are cached.
    static func bytes<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(bytes: try DashboardJSON.makeEncoder().encode(value))
    }
}

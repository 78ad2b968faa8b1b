import DashboardCore
import Hummingbird
import NIOCore

/// The renderer's own files under `/static/`, compiled into the binary.
///
/// Pages link them with a `?v=` content hash, so a versioned URL may be cached for a year
/// (`immutable`); an unversioned or stale one is cached briefly and revalidated by ETag.
struct StaticAssets: Sendable {
    let name: String
    let contentType: String
    let bytes: ByteBuffer
    /// A hash of the content, used as the version and the entity tag.
    let version: String

    init(name: String, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.bytes = ByteBuffer(bytes: bytes)
        version = String(StableHash.fnv1a(bytes: bytes), radix: 36)
    }

    /// The URL pages link.
    var url: String { "/static/\(name)?v=\(version)" }

    static let stylesheet = StaticAssets(name: "app.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.app_css)
    static let script = StaticAssets(name: "app.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.app_js)
    static let icon = StaticAssets(name: "icon.svg", contentType: "image/svg+xml", bytes: PackageResources.icon_svg)
    static let all = [stylesheet, script, icon]

    /// The answer for `request`: 304 when its `If-None-Match` matches.
    func response(for request: Request) -> Response {
        let etag = "\"\(version)\""
        let versioned = request.uri.queryParameters.get("v") == version
        var headers: HTTPFields = [
            .contentType: contentType,
            .eTag: etag,
            .cacheControl: versioned ? "public, max-age=31536000, immutable" : "public, max-age=300",
        ]
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingWhitespace() == etag }) == true {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(bytes.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }
}

/// `GET /static/{file}` and the renderer's own health check, `GET /healthz`.
struct StaticController {
    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/static/{file}") { request, context -> Response in
            guard let file = context.parameters.get("file"), let asset = StaticAssets.all.first(where: { $0.name == file }) else {
                throw HTTPError(.notFound)
            }
            return asset.response(for: request)
        }
        router.get("/healthz") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"healthy","service":"frontend-renderer"}"#))
            )
        }
    }
}

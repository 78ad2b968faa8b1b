import Hummingbird
import NIOCore

/// Every HTML answer of the renderer: a status and a rendered page.
///
/// Pages are rendered fresh on each request and change with the fleet, so they are
/// never cached by browsers or proxies (`Cache-Control: no-store`).
struct HTMLResponse: ResponseGenerator {
    var status: HTTPResponse.Status
    var page: HTML
    /// Seconds after which a 503 page may be retried.
    var retryAfter: Int?

    init(status: HTTPResponse.Status = .ok, _ page: HTML, retryAfter: Int? = nil) {
        self.status = status
        self.page = page
        self.retryAfter = retryAfter
    }

    static let contentType = "text/html; charset=utf-8"

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: Self.contentType, .cacheControl: "no-store"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.markup)))
    }
}

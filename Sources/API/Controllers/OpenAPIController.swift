import Hummingbird
import NIOCore

/// `GET /api/openapi.json`: the OpenAPI 3 document of every route (Resources/openapi.json,
/// embedded at build time and served as-is). `OpenAPIDocumentTests` keep it true.
struct OpenAPIController {
    /// The document's bytes, read once.
    static let body = ByteBuffer(bytes: PackageResources.openapi_json)

    func addRoutes(to router: Router<APIContext>) {
        router.get("/api/openapi.json", use: document)
    }

    /// The embedded bytes with `application/json; charset=utf-8`.
    @Sendable func document(request: Request, context: APIContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: JSONResponse.contentType], body: .init(byteBuffer: Self.body))
    }
}

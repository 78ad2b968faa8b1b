import APISupport
import DashboardCore
import DashboardWire
import FoundationEssentials
import Hummingbird

/// An ``APIError`` answers with the error document (docs/api.md) and its status
/// (and `Retry-After` when the database is down).
extension APIError: HTTPResponseError {
    /// The error document as JSON with the error's status; a 503 also carries `Retry-After: 5`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.encode(ErrorDocument(message: message, code: code, timestamp: Date()), status: status)
        if status == .serviceUnavailable {
            response.headers[.retryAfter] = "5"
        }
        return response
    }
}

import APISupport
import DashboardCore
import FoundationEssentials
import Hummingbird

/// An ``APIError`` answers with the error document of SPEC §4 and its status
/// (and `Retry-After` when the database is down).
extension APIError: HTTPResponseError {
    /// The error document as JSON with the error's status; a 503 also carries `Retry-After: 5`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.encode(ErrorDocument(self), status: status)
        if status == .serviceUnavailable {
            response.headers[.retryAfter] = "5"
        }
        return response
    }
}

/// The JSON body of every error answer.
struct ErrorDocument: Encodable {
    struct Details: Encodable {
        var code: String
        var timestamp: Date
    }

    var success = false
    var error: String
    var details: Details

    init(_ error: APIError, now: Date = Date()) {
        self.error = error.message
        details = Details(code: error.code, timestamp: now)
    }
}

import DashboardCore
import Foundation
import Hummingbird

/// An error the api answers with the error document of SPEC §4:
/// `{"success": false, "error": "<message>", "details": {"code": "<CODE>", "timestamp": …}}`.
///
/// Messages are written for the caller and never carry SQL text, a stack trace or a secret.
struct APIError: HTTPResponseError, Equatable {
    /// The HTTP status.
    var status: HTTPResponse.Status
    /// A stable, machine-readable code (`BAD_PARAMETER`, `NOT_FOUND`, …).
    var code: String
    /// What went wrong, for people.
    var message: String

    /// A query or path parameter that is missing, malformed or out of range (400).
    static func badParameter(_ name: String, _ reason: String) -> APIError {
        APIError(status: .badRequest, code: "BAD_PARAMETER", message: "invalid parameter '\(name)': \(reason)")
    }

    /// No server with this name (404).
    static func serverNotFound(_ name: String) -> APIError {
        APIError(status: .notFound, code: "SERVER_NOT_FOUND", message: "no server named '\(HostText.clean(name, maximumBytes: 200).text)'")
    }

    /// Another resource that does not exist (404).
    static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "NOT_FOUND", message: what)
    }

    /// No route for this path (404).
    static let routeNotFound = APIError(status: .notFound, code: "NOT_FOUND", message: "no such endpoint; see /api/openapi.json")

    /// The route exists but not for this method (405).
    static let methodNotAllowed = APIError(status: .methodNotAllowed, code: "METHOD_NOT_ALLOWED", message: "this endpoint only answers GET")

    /// PostgreSQL cannot be reached (503).
    static let databaseUnavailable = APIError(
        status: .serviceUnavailable, code: "DATABASE_UNAVAILABLE",
        message: "the database is unreachable; the api keeps retrying and answers again as soon as it is back"
    )

    /// Anything unexpected (500); the details are in the api's log, not in the answer.
    static let internalError = APIError(
        status: .internalServerError, code: "INTERNAL_ERROR",
        message: "the api failed to answer this request; the error is in its log"
    )

    func response(from request: Request, context: some RequestContext) throws -> Response {
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

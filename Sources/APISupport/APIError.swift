import DashboardCore
import FoundationEssentials
import HTTPTypes

/// An error the api answers with its one error document (docs/api.md):
/// `{"success": false, "error": "<message>", "details": {"code": "<CODE>", "timestamp": …}}`.
///
/// Messages are written for the caller and never carry SQL text, a stack trace or a secret.
/// The api turns it into a response (`APIError+Response.swift`); it lives here, without
/// Hummingbird, so the parameter parsing that throws it can be tested and fuzzed alone.
public struct APIError: Error, Equatable, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code (`BAD_PARAMETER`, `NOT_FOUND`, …).
    public var code: String
    /// What went wrong, for people.
    public var message: String

    /// Creates an error answer.
    public init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// A query or path parameter that is missing, malformed or out of range (400). The name
    /// comes from the request, so it is cleaned and cut to 40 bytes like a quoted value.
    public static func badParameter(_ name: String, _ reason: String) -> APIError {
        APIError(status: .badRequest, code: "BAD_PARAMETER", message: "invalid parameter '\(HostText.clean(name, maximumBytes: 40).text)': \(reason)")
    }

    /// No server with this name (404).
    public static func serverNotFound(_ name: String) -> APIError {
        APIError(status: .notFound, code: "SERVER_NOT_FOUND", message: "no server named '\(HostText.clean(name, maximumBytes: 200).text)'")
    }

    /// Another resource that does not exist (404).
    public static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "NOT_FOUND", message: what)
    }

    /// No route for this path (404).
    public static let routeNotFound = APIError(status: .notFound, code: "NOT_FOUND", message: "no such endpoint; see /api/openapi.json")

    /// The route exists but not for this method (405).
    public static let methodNotAllowed = APIError(status: .methodNotAllowed, code: "METHOD_NOT_ALLOWED", message: "this endpoint only answers GET")

    /// PostgreSQL cannot be reached (503).
    public static let databaseUnavailable = APIError(
        status: .serviceUnavailable, code: "DATABASE_UNAVAILABLE",
        message: "the database is unreachable; the api keeps retrying and answers again as soon as it is back"
    )

    /// Anything unexpected (500); the details are in the api's log, not in the answer.
    public static let internalError = APIError(
        status: .internalServerError, code: "INTERNAL_ERROR",
        message: "the api failed to answer this request; the error is in its log"
    )
}

import APISupport
import DashboardStorage
import Hummingbird
import Logging

/// Turns every failure into the error document: API errors as they are, Hummingbird's
/// own errors (unknown route, wrong method) into their documented codes, an unreachable
/// database into 503 and anything else into 500 — logging the real cause, never
/// returning it.
struct ErrorDocumentMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as StorageError {
            let answer: APIError = error.isUnavailable ? .databaseUnavailable : .internalError
            context.logger.log(
                level: error.isUnavailable ? .warning : .error, "database error while answering",
                metadata: ["db.error": "\(error.message)", "db.error_kind": "\(error.kind.rawValue)", "http.status": "\(answer.status.code)"]
            )
            return try answer.response(from: request, context: context)
        } catch let error as HTTPError {
            let answer: APIError =
                switch error.status {
                case .notFound: .routeNotFound
                case .methodNotAllowed: .methodNotAllowed
                case .badRequest: APIError(status: .badRequest, code: "BAD_REQUEST", message: "the request could not be read")
                default: APIError(status: error.status, code: "HTTP_\(error.status.code)", message: error.status.reasonPhrase)
                }
            return try answer.response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error while answering", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            return try APIError.internalError.response(from: request, context: context)
        }
    }
}

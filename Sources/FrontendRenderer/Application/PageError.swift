import Hummingbird

/// A page that cannot be shown: its status and a message safe to show.
struct PageError: Error, Sendable, Equatable {
    var status: HTTPResponse.Status
    var message: String

    /// A bad query parameter (400), found before the api is asked.
    static func badRequest(_ message: String) -> PageError { PageError(status: .badRequest, message: message) }

    /// Nothing at this address (404).
    static func notFound(_ message: String) -> PageError { PageError(status: .notFound, message: message) }

    /// The heading of the error page.
    var title: String {
        switch status.code {
        case 400: "Bad request"
        case 404: "Not found"
        case 405: "Method not allowed"
        case 503: "Api unavailable"
        default: "Something went wrong"
        }
    }
}

/// Why an api request gave no usable answer, in the three ways a page reacts to.
struct APIClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How a page reacts.
    enum Kind: Sendable, Equatable {
        /// The api answered 404: the page is a 404 page.
        case notFound
        /// The api refused a parameter (400): the page is a 400 page.
        case badRequest
        /// No connection, a timeout, a 5xx or an unreadable answer: the page renders with a 503 banner.
        case unavailable
    }

    var kind: Kind
    /// What happened, safe to show (no stack trace, no secret; the api's own message when it gave one).
    var message: String

    static func notFound(_ message: String) -> APIClientError { APIClientError(kind: .notFound, message: message) }
    static func badRequest(_ message: String) -> APIClientError { APIClientError(kind: .badRequest, message: message) }
    static func unavailable(_ message: String) -> APIClientError { APIClientError(kind: .unavailable, message: message) }

    var description: String { message }
}

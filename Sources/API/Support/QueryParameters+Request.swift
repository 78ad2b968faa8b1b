import APISupport
import Hummingbird

extension QueryParameters {
    /// Parses `request.uri.query`.
    init(_ request: Request) throws(APIError) {
        try self.init(query: request.uri.query)
    }
}

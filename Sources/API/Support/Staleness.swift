import DashboardCore
import FoundationEssentials
import HTTPTypes
import Hummingbird

/// Why an answer comes from the api's last known fleet instead of the database: PostgreSQL
/// is unreachable (docs/api.md "During a database outage"). Such an answer is marked with
/// `Warning: 110 - "Response is Stale"`, `X-Stale-Since` and `X-Data-As-Of`.
struct Staleness: Sendable, Equatable {
    /// When the database became unreachable: the first failed read or the lost change
    /// subscription, whichever came first.
    let since: Date
    /// When the figures served were read from the database.
    let dataAsOf: Date

    /// The `Warning` header's value (RFC 7234 §5.5.1's code 110).
    static let warningValue = "110 - \"Response is Stale\""
    /// `Warning`.
    static let warning = HTTPField.Name("Warning")!
    /// `X-Stale-Since`: ISO-8601 UTC.
    static let staleSince = HTTPField.Name("X-Stale-Since")!
    /// `X-Data-As-Of`: ISO-8601 UTC.
    static let dataAsOf = HTTPField.Name("X-Data-As-Of")!

    /// Adds the three headers.
    func mark(_ headers: inout HTTPFields) {
        headers[Self.warning] = Self.warningValue
        headers[Self.staleSince] = Timestamp.format(since)
        headers[Self.dataAsOf] = Timestamp.format(dataAsOf)
    }
}

extension Response {
    /// This answer, with the stale headers when `staleness` is set.
    func marked(_ staleness: Staleness?) -> Response {
        guard let staleness else { return self }
        var response = self
        staleness.mark(&response.headers)
        return response
    }
}

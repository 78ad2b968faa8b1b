import DashboardCore
import Hummingbird

/// A page's query parameters, decoded as HTML forms send them (percent-escapes, `+` for
/// a space) and read through accessors that reject bad values with a 400 page before
/// the api is ever asked. Empty values count as absent; the first occurrence wins.
struct PageQuery: Sendable {
    private var values: [String: String] = [:]

    /// The longest value accepted, in bytes.
    static let maximumValueBytes = 512

    init(_ request: Request) throws(PageError) {
        try self.init(query: request.uri.query)
    }

    init(query: String?) throws(PageError) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { throw .badRequest("a query parameter name is not valid percent-encoding") }
            guard let value = parts.count > 1 ? Self.decode(parts[1]) : "" else {
                throw .badRequest("the value of '\(Self.quote(name))' is not valid percent-encoding")
            }
            guard value.utf8.count <= Self.maximumValueBytes else {
                throw .badRequest("the value of '\(Self.quote(name))' is longer than \(Self.maximumValueBytes) bytes")
            }
            guard !value.unicodeScalars.contains(where: HostText.isUnsafe) else {
                throw .badRequest("the value of '\(Self.quote(name))' contains control characters")
            }
            if values[name] == nil, !value.isEmpty { values[name] = value }
        }
    }

    private static func decode(_ raw: Substring) -> String? {
        PercentEncoding.decode(raw.replacing("+", with: " "))
    }

    /// Text of at most `maximumLength` characters, `nil` when absent.
    func text(_ name: String, maximumLength: Int = 255) throws(PageError) -> String? {
        guard let value = values[name] else { return nil }
        guard value.count <= maximumLength else {
            throw .badRequest("'\(name)' may be at most \(maximumLength) characters long")
        }
        return value
    }

    /// One of `T`'s raw values, `defaultValue` when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, default defaultValue: T?) throws(PageError) -> T? where T.RawValue == String {
        guard let raw = values[name] else { return defaultValue }
        guard let value = T(rawValue: raw) else {
            throw .badRequest("'\(name)' must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not '\(Self.quote(raw))'")
        }
        return value
    }

    /// A bounded, cleaned excerpt of a bad value for a message.
    static func quote(_ raw: String) -> String {
        HostText.clean(raw, maximumBytes: 40).text
    }
}

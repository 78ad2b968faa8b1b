import DashboardCore
import FoundationEssentials
import Synchronization

/// What one page request carries besides its route: the address the page's refresh control
/// links to, whether the page script asked only for the `#page` fragment (`X-Fragment: page`),
/// and whether the api answered any of the page's requests from its last known fleet
/// (docs/dashboard.md, "Live updates").
///
/// Set by ``PageContextMiddleware`` for each request; the ``APIClient`` records stale answers
/// into it and the ``PageRenderer`` reads it when it lays the page out.
final class PageContext: Sendable {
    /// The context of the request being handled.
    @TaskLocal static var current: PageContext?

    /// When the api's database became unreachable and when the figures it served were read.
    struct Staleness: Sendable, Equatable {
        var since: Date
        var asOf: Date
    }

    /// The page's own address (path and query, as requested), safe to link to.
    let address: String
    /// Only the `#page` fragment is wanted (the page script's in-place refresh).
    let fragment: Bool

    private let staleness = Mutex<Staleness?>(nil)

    init(address: String = "/", fragment: Bool = false) {
        self.address = Self.sameOrigin(address)
        self.fragment = fragment
    }

    /// Records an api answer served stale (`X-Stale-Since`, `X-Data-As-Of`); with several, the
    /// earliest outage start and the oldest figures are kept.
    func recordStale(since: Date, asOf: Date) {
        staleness.withLock { current in
            guard let known = current else {
                current = Staleness(since: since, asOf: asOf)
                return
            }
            current = Staleness(since: min(known.since, since), asOf: min(known.asOf, asOf))
        }
    }

    /// The staleness recorded so far, `nil` when every answer was current.
    var stale: Staleness? {
        staleness.withLock { $0 }
    }

    /// `address` when it is a path on this origin, else `/`: a request for `//host/x` or
    /// `/\host` must not become a link to another site.
    static func sameOrigin(_ address: String) -> String {
        let bytes = Array(address.utf8.prefix(2))
        guard bytes.first == UInt8(ascii: "/"), address.utf8.count <= 2048 else { return "/" }
        if bytes.count == 2, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return "/" }
        guard !address.unicodeScalars.contains(where: HostText.isUnsafe) else { return "/" }
        return address
    }
}

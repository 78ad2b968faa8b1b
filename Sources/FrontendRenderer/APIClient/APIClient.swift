import AsyncHTTPClient
import DashboardCore
import DashboardWire
import FoundationEssentials
import Logging
import NIOCore
import NIOHTTP1

/// The renderer's only source of data: typed GETs against the api over HTTP.
///
/// Every request has a deadline (`API_TIMEOUT_SECONDS`). Answers map onto what a page
/// does: 404 → ``APIClientError/Kind/notFound``, 400 → ``APIClientError/Kind/badRequest``,
/// and no connection, a timeout, a 5xx or an unreadable body → ``APIClientError/Kind/unavailable``.
struct APIClient: Sendable {
    /// The api's base URL without a trailing slash, e.g. `http://127.0.0.1:5000`.
    let baseURL: String
    /// The deadline of one request.
    let timeout: TimeAmount
    let client: HTTPClient
    let logger: Logger

    /// The largest JSON answer read (a fleet of thousands of servers fits easily).
    static let maximumBodyBytes = 64 * 1024 * 1024

    /// A client of the api at `baseURL` using the process-wide HTTP client.
    init(baseURL: String, timeoutSeconds: Double, client: HTTPClient = APIClient.processClient, logger: Logger) {
        self.baseURL = baseURL
        self.timeout = .milliseconds(Int64((timeoutSeconds * 1000).rounded()))
        self.client = client
        self.logger = logger
    }

    /// GETs `path` (already escaped) with `query` and decodes the JSON answer.
    func get<T: Decodable & Sendable>(_ type: T.Type, _ path: String, query: [(String, String?)] = []) async throws(APIClientError) -> T {
        let body = try await fetch(path, query: query)
        do {
            return try Self.decoder.decode(T.self, from: body)
        } catch {
            throw unavailable(path, "its answer was not the JSON this page expects", error: error)
        }
    }

    /// GETs `path` like ``get(_:_:query:)``, conditionally: the entity tag of the last answer
    /// kept in `memory` goes out as `If-None-Match`, and a 304 reuses what was decoded from that
    /// answer instead of reading and decoding the same JSON again (docs/dashboard.md).
    func get<T: Decodable & Sendable>(_ type: T.Type, _ path: String, remembering memory: RememberedAnswer<T>) async throws(APIClientError) -> T {
        let timing = PageTiming.current
        timing?.apiStarted()
        let kept = memory.value(for: baseURL)
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            defer { timing?.apiFinished() }
            response = try await send(path, query: [], ifNoneMatch: kept?.etag)
            if response.status == .notModified, let kept { return kept.value }
            do {
                body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            } catch {
                throw unavailable(path, "its answer could not be read", error: error)
            }
        }
        let value: T
        do {
            value = try Self.decoder.decode(T.self, from: body)
        } catch {
            throw unavailable(path, "its answer was not the JSON this page expects", error: error)
        }
        if let etag = response.headers.first(name: "ETag") { memory.keep(value, etag: etag, for: baseURL) }
        return value
    }

    /// GETs `path` and hands back the answer unread, for downloads streamed to the browser.
    func stream(_ path: String, query: [(String, String?)] = []) async throws(APIClientError) -> HTTPClientResponse {
        let timing = PageTiming.current
        timing?.apiStarted()
        defer { timing?.apiFinished() }
        return try await send(path, query: query)
    }

    /// GETs `path` and reads the whole answer, counted as api time in the page's ``PageTiming``.
    private func fetch(_ path: String, query: [(String, String?)]) async throws(APIClientError) -> ByteBuffer {
        let timing = PageTiming.current
        timing?.apiStarted()
        defer { timing?.apiFinished() }
        let response = try await send(path, query: query)
        do {
            return try await response.body.collect(upTo: Self.maximumBodyBytes)
        } catch {
            throw unavailable(path, "its answer could not be read", error: error)
        }
    }

    private func send(_ path: String, query: [(String, String?)], ifNoneMatch: String? = nil) async throws(APIClientError) -> HTTPClientResponse {
        let encodedQuery = URLEncoding.query(query)
        var request = HTTPClientRequest(url: baseURL + path + (encodedQuery.isEmpty ? "" : "?" + encodedQuery))
        request.headers.add(name: "Accept", value: "application/json")
        if let ifNoneMatch { request.headers.add(name: "If-None-Match", value: ifNoneMatch) }
        request.headers.add(name: "User-Agent", value: "server-dashboard-frontend")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout {
            throw unavailable(path, "it did not answer within \(Self.seconds(timeout))", error: error)
        } catch {
            throw unavailable(path, "it cannot be reached at \(displayAddress) — is it running?", error: error)
        }
        switch response.status.code {
        case 200..<300:
            Self.recordStaleness(response.headers)
            return response
        case 304 where ifNoneMatch != nil:
            Self.recordStaleness(response.headers)
            return response
        case 400, 404:
            let message = await Self.errorMessage(response) ?? (response.status.code == 404 ? "not found" : "bad request")
            throw response.status.code == 404 ? .notFound(message) : .badRequest(message)
        default:
            let message = await Self.errorMessage(response)
            logger.warning("api answered with an error", metadata: ["http.path": "\(path)", "http.status": "\(response.status.code)"])
            throw .unavailable("it answered \(response.status.code)" + (message.map { ": \($0)" } ?? ""))
        }
    }

    /// Notes in the page's ``PageContext`` an answer the api served from its last known fleet
    /// (`X-Stale-Since` and `X-Data-As-Of`, docs/api.md), for the page's stale banner.
    static func recordStaleness(_ headers: HTTPHeaders) {
        guard let context = PageContext.current, let since = headers.first(name: "X-Stale-Since").flatMap({ Timestamp.parse($0) }) else { return }
        let asOf = headers.first(name: "X-Data-As-Of").flatMap({ Timestamp.parse($0) }) ?? since
        context.recordStale(since: since, asOf: asOf)
    }

    /// `host:port` of the api, for messages (never the URL's user information).
    var displayAddress: String {
        guard let url = URL(string: baseURL), let host = url.host else { return "API_URL" }
        return url.port.map { "\(host):\($0)" } ?? host
    }

    private func unavailable(_ path: String, _ what: String, error: any Error) -> APIClientError {
        let metadata: Logger.Metadata = ["http.path": "\(path)", "error": "\(String(describing: error).prefix(300))"]
        if Task.isCancelled {
            // A sibling request of the page failed first (a 404 for an unknown server) and
            // the page no longer needs this one: not a problem with the api.
            logger.debug("api request cancelled", metadata: metadata)
        } else {
            logger.warning("api request failed", metadata: metadata)
        }
        return .unavailable(what)
    }

    /// The `error` message of the api's error document, when the body is one.
    private static func errorMessage(_ response: HTTPClientResponse) async -> String? {
        guard let body = try? await response.body.collect(upTo: 64 * 1024),
            let document = try? decoder.decode(ErrorDocument.self, from: body)
        else { return nil }
        return HostText.clean(document.error, maximumBytes: 300).text
    }

    private static func seconds(_ amount: TimeAmount) -> String {
        let value = Double(amount.nanoseconds) / 1e9
        return value == value.rounded() ? "\(Int(value)) s" : Format.fixed(value, decimals: 1) + " s"
    }

    /// One HTTP client for the life of the process (never shut down, like `HTTPClient.shared`),
    /// configured so an api that is down fails fast: a refused connection is not retried
    /// until the deadline, as AsyncHTTPClient does by default, but reported at once.
    static let processClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The api's JSON conventions, tolerant of the non-finite numbers its encoder spells as strings.
    static let decoder: JSONDecoder = {
        let decoder = DashboardJSON.makeDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }()
}

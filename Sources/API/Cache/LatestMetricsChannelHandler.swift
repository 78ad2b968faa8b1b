import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers `GET /api/servers/metrics/latest` on the connection's event loop, straight from
/// the bytes ``FleetCache`` publishes while it is live: no task, no router, no middleware.
///
/// That poll is the api's hottest request (every open dashboard makes it), and answering
/// it is only a header check and a buffer write; through Hummingbird the same answer costs
/// twice the CPU (a task, the async channel, the middleware chain). The answer is the one
/// the router gives — ``CachedBody/answer(to:)`` plus `Date` and `Server` — and the request
/// is counted in the same metrics and logged in the same line as
/// ``RequestMetricsMiddleware`` and ``RequestLogMiddleware`` do (only the in-flight gauge
/// leaves it out: it is answered within one event-loop turn).
///
/// Everything else passes through untouched, and so does this request whenever the quick
/// answer could differ from the router's or break the connection's rules:
/// - the cache is not live (the router reads the database; with the database unreachable it
///   answers from the last known fleet marked stale, docs/api.md "During a database outage");
/// - the fleet was just read and its body not encoded yet (the router encodes it, once);
/// - it is not a `GET` (a `HEAD` included) or the path differs in any way;
/// - a request passed on earlier on this connection is still being answered (answers go
///   out in request order);
/// - the connection is not accepting writes (Hummingbird's back-pressure applies).
///
/// Sits after the HTTP/1 codec and before Hummingbird's connection handler
/// (`HTTP1Channel.Configuration.additionalChannelHandlers`); not installed when CORS is on.
final class LatestMetricsChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The route answered here, as the router registers it.
    static let route = "/api/servers/metrics/latest"

    /// A request answered here, between its head and its end.
    private struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer?
        let path: String
        let closesConnection: Bool
        let started: ContinuousClock.Instant
    }

    private let cache: FleetCache
    private let metrics: RequestMetricHandles
    private let logger: Logger
    private let logLevel: Logger.Level
    private let serverName: String
    private var date = HTTPDate()
    /// Requests passed on to Hummingbird whose answer has not been written to its end.
    private var passedOn = 0
    /// The request being answered here, once its head has arrived.
    private var answer: Answer?

    /// A handler for one connection.
    init(cache: FleetCache, metrics: RequestMetricHandles, logger: Logger, logLevel: Logger.Level, serverName: String) {
        self.cache = cache
        self.metrics = metrics
        self.logger = logger
        self.logLevel = logLevel
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if passedOn == 0, answer == nil, head.method == .get, let path = head.path, Self.isRoute(path),
                context.channel.isWritable, let latest = cache.latestIfCached()?.latestBody.ifEncoded
            {
                let (status, headers, body) = latest.answer(to: head.headerFields)
                answer = Answer(
                    status: status, headers: headers, body: body, path: path,
                    closesConnection: head.headerFields[.connection] == "close", started: .now
                )
                return
            }
            passedOn += 1
            context.fireChannelRead(data)
        case .body:
            // a GET's body, if it has one, is read and dropped, as the router would
            if answer == nil { context.fireChannelRead(data) }
        case .end:
            guard let answer else {
                context.fireChannelRead(data)
                return
            }
            self.answer = nil
            write(answer, context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), passedOn > 0 { passedOn -= 1 }
        context.write(data, promise: promise)
    }

    private func write(_ answer: Answer, context: ChannelHandlerContext) {
        // recorded before the write, as the middleware does: a client that has read the
        // answer (or seen the connection close) finds it counted
        record(answer)
        var headers = answer.headers
        headers[.date] = date.now()
        headers[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: headers))), promise: nil)
        if let body = answer.body {
            context.write(wrapOutboundOut(.body(body)), promise: nil)
        }
        if answer.closesConnection {
            let channel = context.channel
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    /// The metrics and the log line ``RequestMetricsMiddleware`` and ``RequestLogMiddleware`` would write.
    private func record(_ answer: Answer) {
        let route = metrics.route(RouteKey(route: Self.route, method: .get, status: answer.status))
        route.requests.increment()
        metrics.answeredOnEventLoop.add(1, ordering: .relaxed)
        route.duration.recordNanoseconds(RequestMetricsMiddleware<APIContext>.nanoseconds(since: answer.started))
        guard logger.logLevel <= logLevel else { return }
        var logger = logger
        logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
        RequestLogMiddleware<APIContext>.log(
            logger: logger, level: logLevel, method: .get, path: Self.pathWithoutQuery(answer.path),
            status: answer.status, elapsed: ContinuousClock.now - answer.started
        )
    }

    /// Whether a request target is this route, with or without a query (which it ignores).
    static func isRoute(_ target: String) -> Bool {
        guard target.hasPrefix(route) else { return false }
        let rest = target.utf8.dropFirst(route.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "?")
    }

    private static func pathWithoutQuery(_ target: String) -> String {
        String(target.prefix { $0 != "?" })
    }
}

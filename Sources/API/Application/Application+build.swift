import DashboardCore
import DashboardStorage
import Hummingbird
import Logging

/// Everything the api's routes share.
struct APIDependencies: Sendable {
    let settings: APISettings
    let database: Database
    let cache: FleetCache
    /// The request metrics, shared by the router's middleware and ``LatestMetricsChannelHandler``.
    var requestMetrics = RequestMetricHandles()
    /// The live events of `GET /api/events`, fed by the change subscription.
    var events = EventHub()
}

/// Builds the api: the router with every route (docs/api.md) and the services that run
/// beside the HTTP server (migrations, the change subscription).
func buildApplication(settings: APISettings, logger: Logger) -> some ApplicationProtocol {
    let database = Database(configuration: settings.database, logger: logger)
    let cache = FleetCache(database: database, classifier: settings.classifier)
    let events = EventHub(limits: EventHub.Limits(maximumClients: settings.eventsMaxClients))
    return buildApplication(APIDependencies(settings: settings, database: database, cache: cache, events: events), logger: logger)
}

/// Builds the api over existing dependencies (tests reach the cache through them).
func buildApplication(_ dependencies: APIDependencies, logger: Logger) -> some ApplicationProtocol {
    let settings = dependencies.settings
    let database = dependencies.database
    let cache = dependencies.cache
    let router = buildRouter(dependencies)
    let serverName = "server-dashboard-api"
    let quickLatest = settings.answersLatestOnEventLoop && settings.corsOrigins.isEmpty
    var app = Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: quickLatest
                    ? [
                        LatestMetricsChannelHandler(
                            cache: cache, metrics: dependencies.requestMetrics, logger: logger, logLevel: settings.requestLogLevel, serverName: serverName)
                    ] : [])),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: serverName),
        logger: logger
    )
    app.addServices(MigrationService(database: database, logger: logger))
    app.addServices(
        ChangeSubscription(
            listener: ChangeListener(configuration: settings.database, logger: logger), cache: cache, logger: logger, events: dependencies.events,
            database: database))
    app.addServices(EventHeartbeat(hub: dependencies.events))
    return app
}

/// The router: middleware first (they wrap the routes added after them), then each controller's routes.
func buildRouter(_ dependencies: APIDependencies) -> Router<APIContext> {
    let settings = dependencies.settings
    let router = Router(context: APIContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestMetricsMiddleware(handles: dependencies.requestMetrics))
    router.add(middleware: RequestLogMiddleware(level: settings.requestLogLevel))
    if !settings.corsOrigins.isEmpty {
        router.add(middleware: CORSPolicyMiddleware(origins: settings.corsOrigins))
    }
    router.add(middleware: ErrorDocumentMiddleware())

    let servers = ServerController(cache: dependencies.cache, database: dependencies.database, classifier: settings.classifier)
    HealthController(database: dependencies.database, cache: dependencies.cache).addRoutes(to: router)
    FleetController(cache: dependencies.cache, classifier: settings.classifier).addRoutes(to: router)
    servers.addRoutes(to: router)
    HistoryController(servers: servers, database: dependencies.database).addRoutes(to: router)
    AnomaliesController(servers: servers, database: dependencies.database, threshold: settings.anomalyScoreThreshold).addRoutes(to: router)
    ChangeEventsController(servers: servers, database: dependencies.database).addRoutes(to: router)
    UsersController(database: dependencies.database).addRoutes(to: router)
    AlertsController(database: dependencies.database).addRoutes(to: router)
    SilencesController(database: dependencies.database).addRoutes(to: router)
    NotificationsController(database: dependencies.database).addRoutes(to: router)
    RunsController(database: dependencies.database).addRoutes(to: router)
    ForecastController(servers: servers, database: dependencies.database, windowDays: settings.forecastWindowDays).addRoutes(to: router)
    ExportsController(servers: servers, database: dependencies.database).addRoutes(to: router)
    PrometheusController(cache: dependencies.cache, database: dependencies.database, classifier: settings.classifier).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    EventsController(hub: dependencies.events).addRoutes(to: router)
    return router
}

import Hummingbird
import Logging

/// Builds the renderer: the router with every page (docs/dashboard.md), its downloads, static
/// assets and health check.
func buildApplication(settings: FrontendSettings, logger: Logger) -> some ApplicationProtocol {
    Application(
        router: buildRouter(settings: settings, logger: logger),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "server-dashboard-frontend"),
        logger: logger
    )
}

/// The router: middleware first (they wrap the routes added after them), then each controller's routes.
func buildRouter(settings: FrontendSettings, logger: Logger) -> Router<BasicRequestContext> {
    let api = APIClient(baseURL: settings.apiURL, timeoutSeconds: settings.apiTimeoutSeconds, logger: logger)
    let pages = PageRenderer(api: api, refreshSeconds: settings.refreshIntervalSeconds, collectionInterval: settings.collectionIntervalSeconds)
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ServerTimingMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: PageContextMiddleware())
    router.add(middleware: ErrorPageMiddleware())
    StaticController().addRoutes(to: router)
    DashboardController(pages: pages, cardLimit: settings.dashboardCardLimit).addRoutes(to: router)
    OverviewController(pages: pages).addRoutes(to: router)
    HistoryController(pages: pages).addRoutes(to: router)
    UsersController(pages: pages).addRoutes(to: router)
    ServerController(pages: pages).addRoutes(to: router)
    AlertsController(pages: pages).addRoutes(to: router)
    return router
}

import Prometheus

/// The api's own request metrics (``RequestMetricsMiddleware`` through swift-metrics),
/// kept in one Prometheus registry that `GET /metrics` renders.
enum APIMetrics {
    /// The registry `/metrics` renders.
    static let registry = PrometheusCollectorRegistry()

    /// The factory the process bootstraps swift-metrics with: Hummingbird's dotted names
    /// (`hb.requests`, `http.server.request.duration`) become Prometheus names
    /// (`hb_requests_total`, `http_server_request_duration`), each with HELP text.
    static let factory = APIMetricsFactory(registry: registry)

    /// The HELP text of each family the api records, by Prometheus name.
    static let help: [String: String] = [
        "hb_requests_total": "HTTP requests the api answered, by route, method and status code.",
        "hb_request_errors_total": "HTTP requests the api answered with an error, by route, method and error status code.",
        "http_server_active_requests": "HTTP requests the api is answering right now, by method.",
        "http_server_request_duration": "Seconds the api took to answer an HTTP request, by route, method and status code.",
    ]

    /// Replaces every character Prometheus does not allow in names with `_`.
    static func sanitize(_ name: String) -> String {
        var result = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let allowed = scalar == "_" || (scalar.isASCII && (scalar.properties.isAlphabetic || (index > 0 && ("0"..."9").contains(scalar))))
            result.unicodeScalars.append(allowed ? scalar : "_")
        }
        return result
    }
}

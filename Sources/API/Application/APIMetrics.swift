import Prometheus

/// The api's own request metrics (``RequestMetricsMiddleware`` through swift-metrics),
/// kept in one Prometheus registry that `GET /metrics` renders.
enum APIMetrics {
    /// The registry `/metrics` renders.
    static let registry = PrometheusCollectorRegistry()

    /// The factory the process bootstraps swift-metrics with: Hummingbird's dotted names
    /// (`http.server.request.duration`) become Prometheus names (`http_server_request_duration_seconds`).
    static let factory: PrometheusMetricsFactory = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitize(name), labels.map { (sanitize($0.0), $0.1) })
        }
        return factory
    }()

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

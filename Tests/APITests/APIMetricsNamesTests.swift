import Foundation
import Hummingbird
import Prometheus
import Testing

@testable import API

/// The api's own request metrics on `/metrics` follow the exposition format's rules that
/// `promtool check metrics` enforces: counters end in `_total`, every family has HELP and
/// TYPE (scripts/e2e-native.sh runs promtool itself on a live `/metrics`).
@Suite struct APIMetricsNamesTests {
    /// The families `text` declares: name → (type, help).
    static func families(_ text: String) -> [String: (type: String?, help: String?)] {
        var families: [String: (type: String?, help: String?)] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# ") {
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard parts.count >= 4 else { continue }
            if parts[1] == "TYPE" { families[parts[2], default: (nil, nil)].type = parts[3] }
            if parts[1] == "HELP" { families[parts[2], default: (nil, nil)].help = parts[3] }
        }
        return families
    }

    @Test func requestMetricsAreCountersEndingInTotalAndEveryFamilyHasHelpAndType() {
        let registry = PrometheusCollectorRegistry()
        let handles = RequestMetricHandles(factory: APIMetricsFactory(registry: registry))
        let route = handles.route(RouteKey(route: "/api/servers", method: .get, status: .ok))
        route.requests.increment()
        route.requests.increment()
        route.duration.recordMilliseconds(3)
        let failing = handles.route(RouteKey(route: "NotFound", method: .get, status: .notFound))
        failing.requests.increment()
        failing.errors.increment()
        handles.activeRequests(method: .get).increment()

        let text = registry.emitToString()
        let families = Self.families(text)
        #expect(
            Set(families.keys) == ["hb_requests_total", "hb_request_errors_total", "http_server_active_requests", "http_server_request_duration"],
            "\(text)")
        for (name, family) in families {
            #expect(family.help?.isEmpty == false, "\(name) has no HELP: \(text)")
            #expect(family.type != nil, "\(name) has no TYPE: \(text)")
            #expect((family.type == "counter") == name.hasSuffix("_total"), "\(name) is a \(family.type ?? "?"): \(text)")
        }
        #expect(families["hb_requests_total"]?.type == "counter")
        #expect(families["hb_request_errors_total"]?.type == "counter")
        #expect(families["http_server_active_requests"]?.type == "gauge")
        #expect(families["http_server_request_duration"]?.type == "histogram")
        // The same values as before the rename.
        #expect(text.contains(#"hb_requests_total{http_route="/api/servers",http_request_method="GET",http_response_status_code="200"} 2"#), "\(text)")
        #expect(text.contains(#"hb_request_errors_total{http_route="NotFound",http_request_method="GET",error_type="404"} 1"#), "\(text)")
        #expect(text.contains(#"http_server_active_requests{http_request_method="GET"} 1"#), "\(text)")
        #expect(
            text.contains(#"http_server_request_duration_count{http_route="/api/servers",http_request_method="GET",http_response_status_code="200"} 1"#),
            "\(text)")
    }

    @Test func anyCounterALibraryRecordsGetsTotalAndHelpToo() {
        let registry = PrometheusCollectorRegistry()
        let factory = APIMetricsFactory(registry: registry)
        factory.makeCounter(label: "some.library.events", dimensions: [("kind", "x")]).increment(by: 3)
        factory.makeCounter(label: "already_total", dimensions: []).increment(by: 1)
        factory.makeMeter(label: "some.library.level", dimensions: []).set(Int64(4))
        let text = registry.emitToString()
        let families = Self.families(text)
        #expect(families["some_library_events_total"]?.type == "counter", "\(text)")
        #expect(families["already_total"]?.type == "counter", "\(text)")
        #expect(families["some_library_level"]?.type == "gauge", "\(text)")
        #expect(families.values.allSatisfy { $0.help?.isEmpty == false }, "\(text)")
        #expect(text.contains(#"some_library_events_total{kind="x"} 3"#), "\(text)")
    }
}

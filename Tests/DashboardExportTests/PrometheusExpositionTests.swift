import Foundation
import Testing

@testable import DashboardExport

@Suite struct PrometheusExpositionTests {
    @Test func writesHelpAndTypeOncePerFamilyWithSamplesGrouped() throws {
        var exposition = PrometheusExposition()
        try exposition.gauge("dashboard_cpu_percent", help: "CPU use of the latest sample.", labels: [("server", "web-1")], value: 12.5)
        try exposition.counter("dashboard_collection_runs_total", help: "Collection runs since start.", value: 42)
        try exposition.gauge("dashboard_cpu_percent", help: "ignored: declared already", labels: [("server", "db-1")], value: 3)
        #expect(
            exposition.text() == """
                # HELP dashboard_cpu_percent CPU use of the latest sample.
                # TYPE dashboard_cpu_percent gauge
                dashboard_cpu_percent{server="web-1"} 12.5
                dashboard_cpu_percent{server="db-1"} 3
                # HELP dashboard_collection_runs_total Collection runs since start.
                # TYPE dashboard_collection_runs_total counter
                dashboard_collection_runs_total 42

                """)
        #expect(exposition.encoded() == Array(exposition.text().utf8))
        #expect(PrometheusExposition.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test func escapesHostileLabelValuesExactly() throws {
        var exposition = PrometheusExposition()
        try exposition.declare("dashboard_up", type: .gauge, help: "1 when reachable.")
        try exposition.append("dashboard_up", labels: [("server", #"we"b\1"#)], value: 1)
        try exposition.append("dashboard_up", labels: [("server", "line\nbreak}"), ("mount", "/")], value: 0)
        try exposition.append("dashboard_up", labels: [("server", "x\"} 1\nfake_metric 666")], value: 1)
        try exposition.append("dashboard_up", labels: [("server", "Zürich-🚀\u{202E},=")], value: 1)
        try exposition.append("dashboard_up", labels: [("server", #"\\"#), ("empty", "")], value: 1)
        try exposition.append("dashboard_up", labels: [("server", "cr\rtab\t")], value: 1)
        #expect(
            exposition.text() == #"""
                # HELP dashboard_up 1 when reachable.
                # TYPE dashboard_up gauge
                dashboard_up{server="we\"b\\1"} 1
                dashboard_up{server="line\nbreak}",mount="/"} 0
                dashboard_up{server="x\"} 1\nfake_metric 666"} 1
                dashboard_up{server="Zürich-🚀\#u{202E},="} 1
                dashboard_up{server="\\\\",empty=""} 1
                dashboard_up{server="cr\#rtab\#t"} 1

                """#)
        // Whatever the values held, each sample is exactly one line.
        #expect(exposition.text().split(separator: "\n").count == 8)
    }

    @Test func escapesHelpText() throws {
        var exposition = PrometheusExposition()
        try exposition.declare("x", type: .untyped, help: #"path C:\tmp"# + "\nsecond line \"quoted\"")
        #expect(
            exposition.text() == #"""
                # HELP x path C:\\tmp\nsecond line "quoted"
                # TYPE x untyped

                """#)
    }

    @Test(
        arguments: [
            (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"),
            (0, "0"), (-0.0, "0"), (1, "1"), (-5, "-5"), (1_000_000, "1000000"), (1e15, "1000000000000000"),
            (Double(Int64(9_007_199_254_740_993)), "9007199254740992"), (1e18, "1000000000000000000"), (-9.2e18, "-9200000000000000000"),
            (9.223_372_036_854_775_808e18, "9.223372036854776e+18"), (1e19, "1e+19"), (-1e100, "-1e+100"),
            (0.1, "0.1"), (12.5, "12.5"), (1.0 / 3, "0.3333333333333333"), (1e-7, "1e-07"), (-2.5e300, "-2.5e+300"),
            (Double.leastNonzeroMagnitude, "5e-324"), (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
        ] as [(Double, String)])
    func formatsValues(_ value: Double, _ expected: String) {
        let text = PrometheusExposition.formatted(value)
        #expect(text == expected)
        if value.isFinite {
            #expect(Double(text) == value, "reads back exactly")
        }
    }

    @Test func groupsHistogramAndSummarySuffixesUnderTheirFamily() throws {
        var exposition = PrometheusExposition()
        try exposition.declare("probe_seconds", type: .histogram, help: "Probe duration.")
        try exposition.declare("other", type: .gauge, help: "Declared between.")
        try exposition.append("probe_seconds_bucket", labels: [("le", "0.5")], value: 3)
        try exposition.append("other", value: 1)
        try exposition.append("probe_seconds_bucket", labels: [("le", "+Inf")], value: 4)
        try exposition.append("probe_seconds_sum", value: 1.25)
        try exposition.append("probe_seconds_count", value: 4)
        try exposition.declare("rpc", type: .summary, help: "RPC latency.")
        try exposition.append("rpc", labels: [("quantile", "0.99")], value: 0.2)
        try exposition.append("rpc_count", value: 7)
        try exposition.append("rpc_bucket", value: 1)
        #expect(
            exposition.text() == """
                # HELP probe_seconds Probe duration.
                # TYPE probe_seconds histogram
                probe_seconds_bucket{le="0.5"} 3
                probe_seconds_bucket{le="+Inf"} 4
                probe_seconds_sum 1.25
                probe_seconds_count 4
                # HELP other Declared between.
                # TYPE other gauge
                other 1
                # HELP rpc RPC latency.
                # TYPE rpc summary
                rpc{quantile="0.99"} 0.2
                rpc_count 7
                # TYPE rpc_bucket untyped
                rpc_bucket 1

                """)
    }

    @Test func writesTimestampsInMilliseconds() throws {
        var exposition = PrometheusExposition()
        try exposition.append("seen", value: 1, timestamp: Date(timeIntervalSince1970: 1_764_084_313.1239))
        try exposition.append("seen", labels: [("a", "b")], value: 2, timestamp: Date(timeIntervalSince1970: .infinity))
        #expect(exposition.text() == "# TYPE seen untyped\nseen 1 1764084313123\nseen{a=\"b\"} 2\n")
    }

    @Test func emptyExpositionIsEmpty() {
        #expect(PrometheusExposition().text().isEmpty)
    }

    @Test(arguments: ["", "1abc", "with-dash", "spa ce", "ünicode", "a{b}", "a\"b", "a\nb"])
    func rejectsInvalidMetricNames(_ name: String) {
        var exposition = PrometheusExposition()
        let appended = #expect(throws: PrometheusExpositionError.self) { try exposition.append(name, value: 1) }
        #expect(appended?.kind == .invalidMetricName)
        let declared = #expect(throws: PrometheusExpositionError.self) { try exposition.declare(name, type: .gauge, help: "h") }
        #expect(declared?.kind == .invalidMetricName)
        #expect(exposition.text().isEmpty, "nothing half-written")
    }

    @Test(arguments: ["a", "_", "Z9", "name:with:colons", ":leading_colon", "_x_1"])
    func acceptsValidMetricNames(_ name: String) throws {
        var exposition = PrometheusExposition()
        try exposition.append(name, value: 1)
        #expect(exposition.text().hasSuffix("\(name) 1\n"))
    }

    @Test(arguments: ["", "9x", "with:colon", "with-dash", "__reserved", "ü", "a b", "a=\"b\""])
    func rejectsInvalidLabelNames(_ label: String) {
        var exposition = PrometheusExposition()
        let error = #expect(throws: PrometheusExpositionError.self) { try exposition.append("m", labels: [(label, "v")], value: 1) }
        #expect(error?.kind == .invalidLabelName)
        #expect(exposition.text().isEmpty)
    }

    @Test func nameValidators() {
        #expect(PrometheusExposition.isValidLabelName("_single_underscore"))
        #expect(!PrometheusExposition.isValidLabelName("__name__"))
        #expect(PrometheusExposition.isValidMetricName("a:b_c1"))
        #expect(!PrometheusExposition.isValidMetricName("0"))
    }

    @Test func rejectsDuplicateLabelsAndSeries() throws {
        var exposition = PrometheusExposition()
        let duplicateLabel = #expect(throws: PrometheusExpositionError.self) { try exposition.append("m", labels: [("a", "1"), ("a", "2")], value: 1) }
        #expect(duplicateLabel?.kind == .duplicateLabel)
        try exposition.append("m", labels: [("a", "1"), ("b", "2")], value: 1)
        let duplicateSeries = #expect(throws: PrometheusExpositionError.self) { try exposition.append("m", labels: [("b", "2"), ("a", "1")], value: 5) }
        #expect(duplicateSeries?.kind == .duplicateSeries)
        try exposition.append("m", labels: [("a", "1"), ("b", "3")], value: 2)
        try exposition.append("m", labels: [("a", "1\u{0}b"), ("b", "2")], value: 3)
        #expect(exposition.text() == "# TYPE m untyped\nm{a=\"1\",b=\"2\"} 1\nm{a=\"1\",b=\"3\"} 2\nm{a=\"1\u{0}b\",b=\"2\"} 3\n")
    }

    @Test func rejectsAConflictingType() throws {
        var exposition = PrometheusExposition()
        try exposition.declare("m", type: .gauge, help: "first")
        try exposition.declare("m", type: .gauge, help: "second")
        let error = #expect(throws: PrometheusExpositionError.self) { try exposition.declare("m", type: .counter, help: "h") }
        #expect(error?.kind == .conflictingType)
        #expect(exposition.text() == "# HELP m first\n# TYPE m gauge\n")
    }
}

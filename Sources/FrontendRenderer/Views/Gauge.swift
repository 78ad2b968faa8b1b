import DashboardCore

/// A half-circle gauge from 0 to 100 %, coloured by the metric's status: one element a gauge.
///
/// `<span class="g m-<status> c|r|d p<0…100>" role="img" aria-label="CPU 28.4 % (normal)">28.4 %</span>`:
/// app.css draws the arc from the `p<n>` class (the value rounded to a whole percent, as the
/// stylesheet's `--v`) with a conic gradient, and the label from `c`, `r` or `d`; no SVG, no
/// inline style (the CSP forbids it). About 90 bytes and two nodes a gauge, so a wall of a
/// hundred servers stays small and quick to draw (docs/dashboard.md).
enum Gauge {
    static func render(label: String, value: Double?, status: MetricStatus) -> HTML {
        let shown = Format.percent(value)
        let step = value.map { Int(min(100, max(0, $0)).rounded()) } ?? 0
        let kind: HTML =
            switch label {
            case "CPU": "c"
            case "RAM": "r"
            default: "d"
            }
        return """
            <span class="g m-\(status.rawValue) \(kind) p\(step)" role="img" aria-label="\(label) \(shown) (\(status.rawValue))">\(shown)</span>
            """
    }
}

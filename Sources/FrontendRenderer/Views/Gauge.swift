import DashboardCore

/// A half-circle gauge from 0 to 100 % as inline SVG, coloured by the metric's status.
///
/// The drawing is one `<symbol id="g">` (see ``definitions``, placed once per page):
/// the track, and the value arc whose dash — `value` out of a path length of 100 — and
/// colour it inherits from the `<use>`. About 120 bytes a gauge, so a wall of a hundred
/// servers stays small.
enum Gauge {
    static func render(label: String, value: Double?, status: MetricStatus) -> HTML {
        let shown = Format.percent(value)
        // The gap of 101 keeps the dash pattern from starting again at the arc's end.
        let arc: HTML =
            value.map { "<use href=\"#g\" stroke-dasharray=\"\(Format.number(min(100, max(0, $0)), decimals: 1)) 101\"/>" }
            ?? "<use href=\"#g\" stroke=\"none\"/>"
        return """
            <div class="g m-\(status.rawValue)"><svg class="gauge" role="img"><title>\(label) \(shown) (\(status.rawValue))</title>\
            \(arc)</svg><b>\(shown)</b><span>\(label)</span></div>
            """
    }

    /// The gauge drawing every gauge uses, defined once per page.
    static let definitions: HTML = """
        <svg class="defs" width="0" height="0" aria-hidden="true"><symbol id="g" viewBox="0 0 40 23">\
        <path class="gb" d="M4 21a16 16 0 0 1 32 0" stroke-dasharray="none"/><path class="gv" d="M4 21a16 16 0 0 1 32 0" pathLength="100"/></symbol></svg>
        """
}

import DashboardCore

/// A half-circle gauge from 0 to 100 % as inline SVG, coloured by the metric's status.
///
/// The arc is one shared `<path id="arc">` (see ``Layout``) drawn twice through `<use>`:
/// the track, then the value as a dash of `value` out of a path length of 100 — about
/// 200 bytes a gauge, so a wall of a hundred servers stays small.
enum Gauge {
    static func render(label: String, value: Double?, status: MetricStatus) -> HTML {
        let shown = Format.percent(value)
        let dash = value.map { Format.number(min(100, max(0, $0)), decimals: 1) } ?? "0"
        return """
            <div class="g m-\(status.rawValue)"><svg class="gauge" viewBox="0 0 40 23" role="img"><title>\(label) \(shown) (\(status.rawValue))</title>\
            <use href="#arc" class="gb"/><use href="#arc" class="gv" stroke-dasharray="\(dash) 100"/></svg>\
            <b>\(shown)</b><span>\(label)</span></div>
            """
    }

    /// The arc both uses draw, defined once per page.
    static let definitions: HTML = """
        <svg class="defs" width="0" height="0" aria-hidden="true"><defs><path id="arc" d="M4 21a16 16 0 0 1 32 0" pathLength="100"/></defs></svg>
        """
}

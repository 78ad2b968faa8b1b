import DashboardCore
import FoundationEssentials
import Glibc

/// A time-series line chart as inline SVG: scaled to its data, a UTC time axis, value
/// ticks, a `<title>` on every point for the value on hover, and a gap — a new path
/// segment, never a line drawn across — wherever samples are missing for longer than
/// the collector's schedule explains; moments worth a look (anomalies, docs/anomalies.md)
/// are marked at the top of the plot, each with its own `<title>`.
struct LineChart {
    /// One line.
    struct Series {
        var name: String
        /// A CSS class that colours the line (`s1`…`s4`), plus `dash` for a dashed one.
        var style: String
        var points: [(time: Date, value: Double?)]
    }

    /// A marked moment: a small triangle above a thin line at `time`, `title` on hover (plain text, escaped here).
    struct Mark {
        var time: Date
        var title: String
    }

    /// How the value axis is scaled and labelled.
    enum Scale {
        /// 0…100 %.
        case percent
        /// Bytes per second, with binary units.
        case bytesPerSecond
        /// Degrees Celsius, 0…100 or up to the largest value.
        case celsius
    }

    var id: String
    var title: String
    var scale: Scale
    var from: Date
    var to: Date
    /// The bucket width in seconds.
    var step: Int
    /// Points further apart than this many seconds (or 1.5 steps, whichever is more) are not joined.
    var joinWithin: Double
    var series: [Series]
    /// Marked moments, oldest first; those outside the window are left out.
    var marks: [Mark] = []

    static let width = 720.0, height = 220.0
    static let left = 56.0, right = 10.0, top = 10.0, bottom = 24.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    func render() -> HTML {
        let span = max(1, to.timeIntervalSince(from))
        let values = series.flatMap { $0.points.compactMap(\.value) }.filter(\.isFinite)
        let (maximum, tick) = Self.valueAxis(scale: scale, largest: values.max() ?? 0)
        func x(_ time: Date) -> Double { Self.left + min(1, max(0, time.timeIntervalSince(from) / span)) * Self.plotWidth }
        func y(_ value: Double) -> Double { Self.top + Self.plotHeight - min(1, max(0, value / maximum)) * Self.plotHeight }
        func label(_ value: Double) -> String {
            switch scale {
            case .percent: Format.number(value, decimals: 1) + " %"
            case .celsius: Format.number(value, decimals: 1) + " °C"
            case .bytesPerSecond: Format.rate(value)
            }
        }

        var svg = ""
        svg.reserveCapacity(4096 + values.count * 90)
        // Value grid and ticks.
        var tickValue = 0.0
        while tickValue <= maximum + tick / 1000 {
            let ty = Self.f(y(tickValue))
            svg += "<line class=\"grid\" x1=\"\(Self.f(Self.left))\" x2=\"\(Self.f(Self.width - Self.right))\" y1=\"\(ty)\" y2=\"\(ty)\"/>"
            svg += "<text class=\"yl\" x=\"\(Self.f(Self.left - 4))\" y=\"\(ty)\" dy=\"3\">\(HTML.escaped(label(tickValue)))</text>"
            tickValue += tick
        }
        // Time ticks.
        for time in Self.timeTicks(from: from, to: to) {
            let tx = Self.f(x(time))
            svg += "<line class=\"grid\" x1=\"\(tx)\" x2=\"\(tx)\" y1=\"\(Self.f(Self.top))\" y2=\"\(Self.f(Self.top + Self.plotHeight))\"/>"
            svg += "<text class=\"xl\" x=\"\(tx)\" y=\"\(Self.f(Self.height - 6))\">\(Self.timeLabel(time, span: span))</text>"
        }
        // Lines, split at gaps, and hover points.
        let gap = max(Double(step) * 1.5, joinWithin)
        let half = Double(step) / 2
        for line in series {
            var path = ""
            var points = ""
            var previous: Date?
            var segmentLength = 0
            var lonely: [(Double, Double)] = []
            var segmentStart: (Double, Double)?
            for point in line.points {
                guard let value = point.value, value.isFinite else {
                    previous = nil
                    continue
                }
                let center = point.time.addingTimeInterval(half)
                let px = x(center), py = y(value)
                if let last = previous, point.time.timeIntervalSince(last) <= gap {
                    path += "L\(Self.f(px)) \(Self.f(py))"
                    segmentLength += 1
                } else {
                    if segmentLength == 1, let start = segmentStart { lonely.append(start) }
                    path += "M\(Self.f(px)) \(Self.f(py))"
                    segmentLength = 1
                    segmentStart = (px, py)
                }
                previous = point.time
                points +=
                    "<circle class=\"pt\" cx=\"\(Self.f(px))\" cy=\"\(Self.f(py))\" r=\"4\"><title>\(HTML.escaped(Format.utc(point.time))) · \(HTML.escaped(line.name)) \(HTML.escaped(label(value)))</title></circle>"
            }
            if segmentLength == 1, let start = segmentStart { lonely.append(start) }
            if !path.isEmpty { svg += "<path class=\"ln \(line.style)\" d=\"\(path)\"/>" }
            for (lx, ly) in lonely { svg += "<circle class=\"dot \(line.style)\" cx=\"\(Self.f(lx))\" cy=\"\(Self.f(ly))\" r=\"2.5\"/>" }
            if !line.style.contains("dash") { svg += "<g class=\"pts \(line.style)\">\(points)</g>" }
        }
        let marked = marks.filter { $0.time >= from && $0.time <= to }
        for mark in marked {
            let mx = x(mark.time)
            svg += "<g class=\"anom\"><title>\(HTML.escaped(mark.title))</title>"
            svg += "<line class=\"am\" x1=\"\(Self.f(mx))\" x2=\"\(Self.f(mx))\" y1=\"\(Self.f(Self.top))\" y2=\"\(Self.f(Self.top + Self.plotHeight))\"/>"
            svg += "<path class=\"amk\" d=\"M\(Self.f(mx - 5)) \(Self.f(Self.top - 2))H\(Self.f(mx + 5))L\(Self.f(mx)) \(Self.f(Self.top + 7))Z\"/></g>"
        }
        if values.isEmpty {
            svg +=
                "<text class=\"empty\" x=\"\(Self.f(Self.left + Self.plotWidth / 2))\" y=\"\(Self.f(Self.top + Self.plotHeight / 2))\">No samples in this range</text>"
        }
        var summary = values.isEmpty ? "no samples" : "lowest \(label(values.min() ?? 0)), highest \(label(values.max() ?? 0))"
        var legend = HTML.join(series) { line in "<li><i class=\"key \(line.style)\"></i>\(line.name)</li>" }
        if !marked.isEmpty {
            summary += marked.count == 1 ? ", 1 anomaly marked" : ", \(marked.count) anomalies marked"
            legend.append("<li><i class=\"key am\"></i>anomaly</li>")
        }
        return """
            <figure class="chart-box"><figcaption id="\(id)-t">\(title)</figcaption>\
            <svg class="chart" id="\(id)" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" aria-labelledby="\(id)-t \(id)-d">\
            <title>\(title)</title><desc id="\(id)-d">\(summary), \(Format.utc(from)) to \(Format.utc(to))</desc>\
            <line class="axis" x1="\(Self.f(Self.left))" x2="\(Self.f(Self.left))" y1="\(Self.f(Self.top))" y2="\(Self.f(Self.top + Self.plotHeight))"/>\
            \(HTML(unsafeRaw: svg))</svg><ul class="legend">\(legend)</ul></figure>
            """
    }

    /// The top of the value axis and the distance between ticks.
    static func valueAxis(scale: Scale, largest: Double) -> (maximum: Double, tick: Double) {
        switch scale {
        case .percent, .celsius:
            guard largest > 100 else { return (100, 25) }
            let tick = niceStep(largest / 4)
            return ((largest / tick).rounded(.up) * tick, tick)
        case .bytesPerSecond:
            guard largest > 0 else { return (1024, 256) }
            var unit = 1.0
            while largest / unit >= 1024 { unit *= 1024 }
            let tick = niceStep(largest / unit / 4) * unit
            return (max(tick, (largest / tick).rounded(.up) * tick), tick)
        }
    }

    /// 1, 2 or 5 × a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, (log10(rough)).rounded(.down))
        let fraction = rough / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * power
    }

    static let tickIntervals: [Double] = [300, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 1_209_600]

    /// Round UTC instants between `from` and `to`, at most about seven.
    static func timeTicks(from: Date, to: Date) -> [Date] {
        let span = to.timeIntervalSince(from)
        let interval = tickIntervals.first { span / $0 <= 7 } ?? 2_592_000
        var tick = (from.timeIntervalSince1970 / interval).rounded(.up) * interval
        var ticks: [Date] = []
        while tick <= to.timeIntervalSince1970, ticks.count < 12 {
            ticks.append(Date(timeIntervalSince1970: tick))
            tick += interval
        }
        return ticks
    }

    /// `14:30` within two days, else `01-31` (UTC); a day's midnight shows its date.
    static func timeLabel(_ time: Date, span: TimeInterval) -> String {
        let stamp = Timestamp.format(time)
        let clock = String(stamp.dropFirst(11).prefix(5))
        let day = String(stamp.dropFirst(5).prefix(5))
        if span > 2 * 86_400 { return day }
        return clock == "00:00" ? day : clock
    }

    /// One decimal, no trailing `.0`.
    static func f(_ value: Double) -> String {
        let scaled = (value * 10).rounded()
        let whole = Int(scaled) / 10, tenth = abs(Int(scaled) % 10)
        if tenth == 0 { return String(whole) }
        return (scaled < 0 && whole == 0 ? "-" : "") + "\(whole).\(tenth)"
    }
}

extension ProbeParser {
    /// The readings kept, in millidegrees Celsius: above 0 and below 127 °C. Sensors that are
    /// not wired report 0, negative values or the 127/128 °C sentinels; no running machine is hotter.
    static let plausibleMillidegrees: ClosedRange<Int64> = 1...126_999
}

extension ProbeParser.Context {
    // MARK: - temperature

    /// `temperature`: `NAME MILLIDEGREES` lines (hwmon `temp*_input`, thermal-zone `temp`), or one
    /// `absent=` line. The sample gets the hottest plausible reading in °C; `nil` when there is none.
    func readTemperature(_ body: Span) {
        var cursor = body.start
        var hottest: Int64?
        var rows = 0
        while let line = nextLine(&cursor, in: body, section: .temperature) {
            if value(of: line, key: "absent") != nil { continue }
            guard rows < 64 else { continue }
            rows += 1
            var fieldCursor = line.start
            guard nextField(&fieldCursor, before: line.end) != nil, let field = nextField(&fieldCursor, before: line.end) else {
                log.add(.temperature, "expected NAME MILLIDEGREES, got \(excerpt(line))")
                continue
            }
            // Negative readings are implausible and left out quietly, like the sentinels.
            if base[field.start] == 0x2D /* - */, field.count > 1, isDigits(Span(start: field.start + 1, end: field.end)) { continue }
            guard let value = try? integer(field) else {
                log.add(.temperature, "a reading is not a number: \(excerpt(line))")
                continue
            }
            guard ProbeParser.plausibleMillidegrees.contains(value) else { continue }
            hottest = max(hottest ?? value, value)
        }
        sample[.temperatureCelsius] = hottest.map { Double($0) / 1000 }
    }
}

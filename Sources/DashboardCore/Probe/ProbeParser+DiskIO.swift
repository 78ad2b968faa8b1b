extension ProbeParser.Context {
    /// One reading of the `diskio` section: the uptime it was taken at and the counters of
    /// each whole block device, in the order listed.
    struct DiskReading {
        /// Seconds since boot (`/proc/uptime`), `nil` when that line could not be read.
        var uptime: Double?
        /// `(device name, where it stands in the output, sectors read, sectors written)`, one per device.
        var devices: [(name: [UInt8], span: Span, read: Int64, written: Int64)] = []
        /// Positions in `devices` by name.
        var indexByName: [[UInt8]: Int] = [:]
        /// Rows left out because the reading already held `maximumBlockDevices`.
        var droppedForLimit = 0
    }

    /// The size of a sector in `/proc/diskstats`, whatever the device's own sector size.
    static let bytesPerSector = 512.0

    /// `diskio`: two readings about 0.5 s apart, each an `uptime=S` line (the first figure of
    /// /proc/uptime) followed by `device sectors_read sectors_written` rows for the whole block
    /// devices (docs/probe-format.md). The rates are Δsectors × 512 / Δuptime, summed over the
    /// devices present in both readings; a counter that went down gives no rate for that device.
    func readDiskIO(_ body: Span) {
        var cursor = body.start
        var readings: [DiskReading] = []
        var extraReadings = 0
        var inExtraReading = false
        while let line = nextLine(&cursor, in: body, section: .diskio) {
            if let value = value(of: line, key: "uptime") {
                guard readings.count < 2 else {
                    extraReadings += 1
                    inExtraReading = true
                    continue
                }
                var reading = DiskReading()
                do {
                    reading.uptime = try decimal(trimmed(value))
                } catch {
                    log.add(.diskio, "the uptime of reading \(readings.count + 1) \(error.reason): \(excerpt(value))")
                }
                readings.append(reading)
                continue
            }
            if inExtraReading { continue }
            guard !readings.isEmpty else {
                log.add(.diskio, "a row before the first uptime= line was ignored: \(excerpt(line))")
                continue
            }
            readDiskRow(line, into: &readings[readings.count - 1])
        }
        for (number, reading) in readings.enumerated() where reading.droppedForLimit > 0 {
            log.add(
                .diskio,
                "reading \(number + 1) has more than \(ProbeParser.maximumBlockDevices) devices; \(reading.droppedForLimit) more were dropped")
        }
        if extraReadings > 0 {
            log.add(.diskio, "\(extraReadings) reading(s) after the first two were ignored")
        }
        guard readings.count == 2 else {
            log.add(.diskio, "disk rates need two readings, found \(readings.count)")
            return
        }
        diskRates(readings[0], readings[1])
    }

    /// Reads one `device sectors_read sectors_written` row into `reading`, or reports why not.
    private func readDiskRow(_ line: Span, into reading: inout DiskReading) {
        var fieldCursor = line.start
        guard let name = nextField(&fieldCursor, before: line.end),
            let readField = nextField(&fieldCursor, before: line.end),
            let writtenField = nextField(&fieldCursor, before: line.end),
            nextField(&fieldCursor, before: line.end) == nil
        else {
            log.add(.diskio, "expected device sectors_read sectors_written, got \(excerpt(line))")
            return
        }
        guard reading.devices.count < ProbeParser.maximumBlockDevices else {
            reading.droppedForLimit += 1
            return
        }
        let key = Array(bytes[name.start..<name.end])
        guard reading.indexByName[key] == nil else {
            log.add(.diskio, "a second row for \(excerpt(name)) in one reading was ignored")
            return
        }
        let read: Int64
        let written: Int64
        do {
            read = try integer(readField)
            written = try integer(writtenField)
        } catch {
            log.add(.diskio, "a sector count of \(excerpt(name)) \(error.reason): \(excerpt(line))")
            return
        }
        reading.indexByName[key] = reading.devices.count
        reading.devices.append((name: key, span: name, read: read, written: written))
    }

    /// Sets the read and write rates from two readings, or reports why they cannot be worked out.
    private func diskRates(_ first: DiskReading, _ second: DiskReading) {
        // An unreadable uptime was reported where it was read.
        guard let start = first.uptime, let end = second.uptime else { return }
        let seconds = end - start
        guard seconds > 0 else {
            log.add(.diskio, "the uptime did not advance between the two readings (\(start) s, then \(end) s)")
            return
        }
        var read = 0.0
        var written = 0.0
        var readDevices = 0
        var writtenDevices = 0
        var common = 0
        for device in second.devices {
            guard let index = first.indexByName[device.name] else { continue }
            common += 1
            let before = first.devices[index]
            // Both are in 0...Int64.max, so the differences cannot overflow.
            if device.read >= before.read {
                read += Double(device.read - before.read)
                readDevices += 1
            } else {
                log.add(.diskio, "the sectors read of \(excerpt(device.span)) went down; that device gives no read rate")
            }
            if device.written >= before.written {
                written += Double(device.written - before.written)
                writtenDevices += 1
            } else {
                log.add(.diskio, "the sectors written of \(excerpt(device.span)) went down; that device gives no write rate")
            }
        }
        guard common > 0 else {
            if first.devices.isEmpty && second.devices.isEmpty {
                log.add(.diskio, "no whole block device was listed")
            } else {
                log.add(.diskio, "no block device appears in both readings")
            }
            return
        }
        if readDevices > 0 { sample[.diskReadBytesPerSecond] = read * Self.bytesPerSector / seconds }
        if writtenDevices > 0 { sample[.diskWriteBytesPerSecond] = written * Self.bytesPerSector / seconds }
    }
}

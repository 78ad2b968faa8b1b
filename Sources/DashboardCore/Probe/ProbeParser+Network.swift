extension ProbeParser {
    /// Name prefixes of virtual interfaces left out of the network sums (container and VM bridges, veth pairs, overlays).
    static let virtualInterfacePrefixes: [StaticString] = ["veth", "docker", "br-", "virbr", "cni", "flannel", "cali"]
}

extension ProbeParser.Context {
    /// `network`: raw /proc/net/dev.
    ///
    /// Rows are `iface: rx_bytes … (8 receive columns) tx_bytes …`. Kernels before 3.x print
    /// `eth0:123456` with no space when the figure is wide, so the row is split at the colon.
    /// `lo` and virtual interfaces are left out of the sums.
    func readNetwork(_ body: Span) {
        var cursor = body.start
        var interfaces = 0
        var droppedForLimit = 0
        var receive: Int64 = 0
        var transmit: Int64 = 0
        var readable = true
        while let line = nextLine(&cursor, in: body, section: .network) {
            // The two header lines are the only ones with a `|`.
            if indexOf(0x7C /* | */, from: line.start, before: line.end) != nil { continue }
            guard let colon = indexOf(0x3A /* : */, from: line.start, before: line.end) else {
                log.add(.network, "expected \"iface: figures\", got \(excerpt(line))")
                continue
            }
            let name = trimmed(Span(start: line.start, end: colon))
            guard !name.isEmpty else {
                log.add(.network, "a row has no interface name: \(excerpt(line))")
                continue
            }
            guard interfaces < ProbeParser.maximumInterfaces else {
                droppedForLimit += 1
                continue
            }
            interfaces += 1
            if isLoopbackOrVirtual(name) { continue }
            var fieldCursor = colon + 1
            var rx: Int64?
            var tx: Int64?
            var column = 0
            var failed = false
            while column <= 8, let field = nextField(&fieldCursor, before: line.end) {
                if column == 0 || column == 8 {
                    do {
                        let value = try integer(field)
                        if column == 0 { rx = value } else { tx = value }
                    } catch {
                        log.add(.network, "a byte counter of \(excerpt(name)) \(error.reason): \(excerpt(field))")
                        failed = true
                        break
                    }
                }
                column += 1
            }
            guard let rx, let tx else {
                if !failed { log.add(.network, "the row of \(excerpt(name)) is too short: \(excerpt(line))") }
                readable = false
                continue
            }
            let (rxSum, overflow1) = receive.addingReportingOverflow(rx)
            let (txSum, overflow2) = transmit.addingReportingOverflow(tx)
            if overflow1 || overflow2 {
                log.add(.network, "the byte counters are too large to add up")
                readable = false
                continue
            }
            receive = rxSum
            transmit = txSum
        }
        if droppedForLimit > 0 {
            log.add(.network, "more than \(ProbeParser.maximumInterfaces) interfaces; \(droppedForLimit) more were dropped")
        }
        guard interfaces > 0 else {
            log.add(.network, "no interface")
            return
        }
        guard readable else {
            // A sum missing one interface would look like a counter reset: better no figure.
            log.add(.network, "the sums were left out because an interface could not be read")
            return
        }
        sample.networkReceiveBytes = receive
        sample.networkTransmitBytes = transmit
    }

    /// `lo`, and the interfaces containers and VMs create.
    private func isLoopbackOrVirtual(_ name: Span) -> Bool {
        if equals(name, "lo") { return true }
        for prefix in ProbeParser.virtualInterfacePrefixes where hasPrefix(name, prefix) { return true }
        return false
    }
}

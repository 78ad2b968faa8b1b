extension ProbeParser.Context {
    // MARK: - inodes

    /// `inodes`: raw `df -P -i` output (GNU: `Inodes IUsed IFree IUse%`; BusyBox: `Inodes Used
    /// Available Capacity`), header first. Rows are split like the `df` section's and joined to
    /// the filesystems `df` kept by mount point; other rows (pseudo filesystems) are ignored.
    /// A filesystem that reports no inodes (btrfs, vfat: `0 0 0 -`) keeps `nil` figures.
    func readInodes(_ body: Span) {
        var cursor = body.start
        var indexByMount: [String: Int] = [:]
        for (index, filesystem) in sample.filesystems.enumerated() { indexByMount[filesystem.mountPoint] = index }
        var isFirst = true
        while let line = nextLine(&cursor, in: body, section: .inodes) {
            defer { isFirst = false }
            guard let row = dfRow(line) else {
                if !isFirst { log.add(.inodes, "a row could not be read: \(excerpt(line))") }
                continue
            }
            let cleaned = cleanedText(row.mountPoint, maximumBytes: HostText.defaultMaximumBytes)
            guard let index = indexByMount[cleaned.text] else { continue }
            guard let total = inodeFigure(row.size), let used = inodeFigure(row.used) else {
                log.add(.inodes, "the inode figures of \(quoted(cleaned.text)) could not be read: \(excerpt(line))")
                continue
            }
            guard total > 0 else { continue }
            sample.filesystems[index].inodesTotal = total
            sample.filesystems[index].inodesUsed = min(used, total)
        }
    }

    /// A whole inode count; `nil` for `-` or a figure that is not one.
    private func inodeFigure(_ span: Span) -> Int64? {
        guard !equals(span, "-") else { return nil }
        return try? integer(span)
    }
}

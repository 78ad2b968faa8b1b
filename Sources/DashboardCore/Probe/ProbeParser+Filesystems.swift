import FoundationEssentials
import Glibc

extension ProbeParser {
    /// Filesystem types that are not local disks: kernel pseudo filesystems, memory-backed
    /// ones, container layers, and network shares. `fuse.*` types are left out as well.
    static let nonLocalTypes = NameTable([
        "tmpfs", "devtmpfs", "ramfs", "overlay", "overlayfs", "aufs", "squashfs",
        "proc", "sysfs", "devpts", "cgroup", "cgroup2", "pstore", "bpf", "debugfs", "tracefs",
        "securityfs", "configfs", "fusectl", "hugetlbfs", "mqueue", "autofs", "binfmt_misc",
        "rpc_pipefs", "nsfs", "efivarfs", "selinuxfs", "usbfs", "fuse",
        "nfs", "nfs4", "nfsd", "cifs", "smb3", "smbfs", "9p", "ceph", "glusterfs", "lustre",
        "afs", "davfs", "sshfs", "vboxsf",
    ])

    /// Device names `df` shows for pseudo filesystems, used when `mounts` does not give the type.
    static let nonLocalDevices = NameTable([
        "tmpfs", "devtmpfs", "udev", "overlay", "shm", "none", "proc", "sysfs", "cgroup",
        "cgroup2", "devpts", "ramfs", "squashfs",
    ])

    /// One line of the `mounts` section: where (escaped as /proc/mounts writes it), what type,
    /// and the hash of the mount point as df prints it (escapes decoded).
    struct MountEntry {
        var mountPoint: Span
        var type: Span
        var hash: UInt64
    }
}

extension ProbeParser.Context {
    typealias MountEntry = ProbeParser.MountEntry

    // MARK: - mounts

    /// `mounts`: raw /proc/mounts lines, `device mountpoint type options 0 0`, read for the types.
    ///
    /// When a mount point appears more than once the last line counts: it is the mount on top.
    func readMounts(_ body: Span) {
        var cursor = body.start
        while let line = nextLine(&cursor, in: body, section: .mounts) {
            var fieldCursor = line.start
            guard nextField(&fieldCursor, before: line.end) != nil,
                let mountPoint = nextField(&fieldCursor, before: line.end),
                let type = nextField(&fieldCursor, before: line.end)
            else {
                log.add(.mounts, "expected \"device mountpoint type …\", got \(excerpt(line))")
                continue
            }
            mounts.append(MountEntry(mountPoint: mountPoint, type: type, hash: hash(decodingEscapes: mountPoint)))
        }
        indexMounts()
    }

    /// Builds `mountSlots`, an open-addressing table over `mounts` by hash. A mount point
    /// seen again takes over its earlier slot, so each one is in the table once, as its last line.
    private func indexMounts() {
        var size = 16
        while size < mounts.count * 2 { size *= 2 }
        var slots = [Int](repeating: -1, count: size)
        let mask = size - 1
        for index in mounts.indices {
            let entry = mounts[index]
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] >= 0 {
                let other = mounts[slots[slot]]
                if other.hash == entry.hash, other.mountPoint.count == entry.mountPoint.count,
                    memcmp(base + other.mountPoint.start, base + entry.mountPoint.start, entry.mountPoint.count) == 0
                {
                    break
                }
                slot = (slot + 1) & mask
            }
            slots[slot] = index
        }
        mountSlots = slots
    }

    /// The type of the filesystem mounted at `mountPoint` (written as df prints it: no escapes).
    func mountType(at mountPoint: Span) -> Span? {
        guard !mountSlots.isEmpty else { return nil }
        let key = hash(mountPoint)
        let mask = mountSlots.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        var found = -1
        while mountSlots[slot] >= 0 {
            let index = mountSlots[slot]
            let entry = mounts[index]
            if entry.hash == key, index > found, isSameMountPoint(mountPoint, escaped: entry.mountPoint) { found = index }
            slot = (slot + 1) & mask
        }
        return found >= 0 ? mounts[found].type : nil
    }

    /// `hash(_:)` of the bytes the `\ooo` escapes of /proc/mounts stand for.
    func hash(decodingEscapes span: Span) -> UInt64 {
        guard indexOf(0x5C /* \ */, from: span.start, before: span.end) != nil else { return hash(span) }
        var decoded: [UInt8] = []
        var index = span.start
        while index < span.end {
            var byte = base[index]
            if byte == 0x5C /* \ */, index + 3 < span.end, let value = octalByte(at: index + 1) {
                byte = value
                index += 3
            }
            decoded.append(byte)
            index += 1
        }
        return decoded.withUnsafeBufferPointer { ProbeParser.hash($0.baseAddress!, count: $0.count) }
    }

    /// Whether a df mount point is the /proc/mounts one, which writes space, tab, newline and
    /// backslash as `\040`, `\011`, `\012`, `\134`.
    func isSameMountPoint(_ raw: Span, escaped: Span) -> Bool {
        var rawIndex = raw.start
        var index = escaped.start
        while rawIndex < raw.end, index < escaped.end {
            var byte = base[index]
            if byte == 0x5C /* \ */, index + 3 < escaped.end, let decoded = octalByte(at: index + 1) {
                byte = decoded
                index += 3
            }
            if byte != base[rawIndex] { return false }
            rawIndex += 1
            index += 1
        }
        return rawIndex == raw.end && index == escaped.end
    }

    /// Three octal digits at `index` as one byte, when they are there and fit (callers check
    /// that `index + 2` lies inside the span).
    private func octalByte(at index: Int) -> UInt8? {
        let high = base[index] &- 0x30
        let middle = base[index + 1] &- 0x30
        let low = base[index + 2] &- 0x30
        guard high <= 3, middle <= 7, low <= 7 else { return nil }
        return high << 6 | middle << 3 | low
    }

    // MARK: - df

    /// `df`: raw `df -P -k` output, header first.
    ///
    /// A row is `device size used available capacity mountpoint`; the device and the mount
    /// point may contain spaces, so the row is anchored on the capacity column (`12%`)
    /// preceded by three numbers, and the mount point is the rest of the line.
    func readDF(_ body: Span) {
        var cursor = body.start
        var blockSize: Int64 = 1024
        var isFirst = true
        var indexByMount: [String: Int] = [:]
        indexByMount.reserveCapacity(16)
        var filesystems: [FilesystemUsage] = []
        var droppedForLimit = 0
        while let line = nextLine(&cursor, in: body, section: .df) {
            defer { isFirst = false }
            guard let row = dfRow(line) else {
                if isFirst {
                    blockSize = dfBlockSize(header: line)
                } else {
                    log.add(.df, "a row could not be read: \(excerpt(line))")
                }
                continue
            }
            let type = mountType(at: row.mountPoint)
            if !isLocal(type: type, device: row.device) { continue }
            let mountPoint = text(row.mountPoint, section: .df, what: "a mount point")
            let existing = indexByMount[mountPoint]
            if existing == nil, filesystems.count >= ProbeParser.maximumFilesystems {
                droppedForLimit += 1
                continue
            }
            guard let filesystem = filesystem(row, mountPoint: mountPoint, type: type, blockSize: blockSize) else { continue }
            if let existing {
                // The same mount point twice: the later row is the mount on top.
                filesystems[existing] = filesystem
            } else {
                indexByMount[mountPoint] = filesystems.count
                filesystems.append(filesystem)
            }
        }
        if droppedForLimit > 0 {
            log.add(.df, "more than \(ProbeParser.maximumFilesystems) filesystems; \(droppedForLimit) more were dropped")
        }
        if filesystems.isEmpty {
            log.add(.df, "no local filesystem")
        }
        sample.filesystems = filesystems
    }

    /// The spans of one df row.
    struct DFRow {
        var device: Span
        var size: Span
        var used: Span
        var available: Span
        var mountPoint: Span
    }

    /// Splits a df row, or `nil` when it is not one (a header, or garbage).
    func dfRow(_ line: Span) -> DFRow? {
        var fieldCursor = line.start
        // The first field, and the last five (newest in `capacity`), without allocating.
        var first: Span?
        var count = 0
        var deviceEnd = Span(start: 0, end: 0)
        var size = deviceEnd
        var used = deviceEnd
        var available = deviceEnd
        var capacity = deviceEnd
        while let field = nextField(&fieldCursor, before: line.end) {
            if first == nil { first = field }
            (deviceEnd, size, used, available, capacity) = (size, used, available, capacity, field)
            count += 1
            guard count >= 5, let first, isCapacity(capacity), isFigure(available), isFigure(used), isFigure(size) else { continue }
            var mountStart = capacity.end
            while mountStart < line.end, Self.isBlank(bytes[mountStart]) { mountStart += 1 }
            guard mountStart < line.end else { return nil }
            return DFRow(
                device: Span(start: first.start, end: deviceEnd.end),
                size: size, used: used, available: available,
                mountPoint: Span(start: mountStart, end: line.end)
            )
        }
        return nil
    }

    /// `12%`, or `-` where df cannot tell.
    private func isCapacity(_ span: Span) -> Bool {
        if equals(span, "-") { return true }
        guard span.count >= 2, bytes[span.end - 1] == 0x25 /* % */ else { return false }
        return isNumeric(Span(start: span.start, end: span.end - 1))
    }

    /// Digits, `-digits` (df prints negative available space on overfull filesystems) or `-`.
    private func isFigure(_ span: Span) -> Bool {
        guard !span.isEmpty else { return false }
        if bytes[span.start] == 0x2D /* - */ {
            return span.count == 1 || isDigits(Span(start: span.start + 1, end: span.end))
        }
        return isDigits(span)
    }

    func isDigits(_ span: Span) -> Bool {
        guard !span.isEmpty else { return false }
        var index = span.start
        while index < span.end {
            if !Self.isDigit(base[index]) { return false }
            index += 1
        }
        return true
    }

    /// The block size a df header announces (`1024-blocks`, `512-blocks`, `1K-blocks`).
    private func dfBlockSize(header: Span) -> Int64 {
        var cursor = header.start
        while let field = nextField(&cursor, before: header.end) {
            guard field.count > 7, equals(Span(start: field.end - 7, end: field.end), "-blocks") else { continue }
            let size = Span(start: field.start, end: field.end - 7)
            if equals(size, "1K") || equals(size, "1k") { return 1024 }
            if let value = try? integer(size), value > 0, value <= 1 << 30 { return value }
            break
        }
        log.add(.df, "the header does not give the block size; taking 1024-byte blocks: \(excerpt(header))")
        return 1024
    }

    /// Whether a filesystem is a local disk, by its type from mounts or else its device name.
    private func isLocal(type: Span?, device: Span) -> Bool {
        if let type {
            return !hasPrefix(type, "fuse.") && ProbeParser.nonLocalTypes.index(of: type, in: self) == nil
        }
        // No type: go by the device name. `server:/export` and `//server/share` are network shares.
        if hasPrefix(device, "//") { return false }
        if let colon = indexOf(0x3A /* : */, from: device.start, before: device.end),
            colon + 1 < device.end, bytes[colon + 1] == 0x2F /* / */
        {
            return false
        }
        return ProbeParser.nonLocalDevices.index(of: device, in: self) == nil
    }

    /// The filesystem record for a row, or `nil` (reported) when its figures cannot be read.
    private func filesystem(_ row: DFRow, mountPoint: String, type: Span?, blockSize: Int64) -> FilesystemUsage? {
        guard let size = dfFigure(row.size, name: "size", of: mountPoint, blockSize: blockSize),
            let used = dfFigure(row.used, name: "used space", of: mountPoint, blockSize: blockSize),
            let available = dfFigure(row.available, name: "available space", of: mountPoint, blockSize: blockSize)
        else {
            return nil
        }
        // `FilesystemUsage.usedPercent` adds these two: they must add up within an Int64.
        guard !used.addingReportingOverflow(available).overflow else {
            log.add(.df, "the used and available space of \(quoted(mountPoint)) are too large to add up")
            return nil
        }
        return FilesystemUsage(
            mountPoint: mountPoint,
            device: text(row.device, section: .df, what: "a device name"),
            fsType: type.map { text($0, section: .mounts, what: "a filesystem type") },
            sizeBytes: size, usedBytes: used, availableBytes: available
        )
    }

    /// One figure of a df row in bytes; `nil` (reported) when df shows none or it does not fit.
    private func dfFigure(_ span: Span, name: StaticString, of mountPoint: String, blockSize: Int64) -> Int64? {
        if equals(span, "-") {
            log.add(.df, "df shows no \(name) for \(quoted(mountPoint)); left out")
            return nil
        }
        let negative = base[span.start] == 0x2D /* - */
        do {
            let value = try scaled(integer(negative ? Span(start: span.start + 1, end: span.end) : span), by: blockSize)
            if negative {
                // Overfull filesystems: df subtracts the reserved blocks from the free ones.
                log.add(.df, "df shows negative \(name) for \(quoted(mountPoint)); taken as 0")
                return 0
            }
            return value
        } catch {
            log.add(.df, "the \(name) of \(quoted(mountPoint)) \(error.reason): \(excerpt(span))")
            return nil
        }
    }
}

/// One mounted local filesystem's size and use, in bytes.
public struct FilesystemUsage: Sendable, Equatable, Codable {
    /// Where it is mounted, e.g. `/` or `/var/lib/postgresql`.
    public var mountPoint: String
    /// The device or source `df` names, e.g. `/dev/vda1`.
    public var device: String
    /// The filesystem type from `/proc/mounts`, when known (e.g. `ext4`).
    public var fsType: String?
    /// Total size in bytes, as `df` reports it.
    public var sizeBytes: Int64
    /// Bytes in use.
    public var usedBytes: Int64
    /// Bytes free for unprivileged users (blocks reserved for root excluded).
    public var availableBytes: Int64
    /// Inodes in all (`df -Pi`), `nil` when the probe could not read them or the filesystem has none.
    public var inodesTotal: Int64?
    /// Inodes in use, `nil` as `inodesTotal`. Their share lives with the inode catalogue figure
    /// (Metrics/Catalogue/HealthFigures.swift).
    public var inodesUsed: Int64?

    /// Creates a filesystem record.
    public init(
        mountPoint: String, device: String, fsType: String? = nil, sizeBytes: Int64, usedBytes: Int64, availableBytes: Int64,
        inodesTotal: Int64? = nil, inodesUsed: Int64? = nil
    ) {
        self.mountPoint = mountPoint
        self.device = device
        self.fsType = fsType
        self.sizeBytes = sizeBytes
        self.usedBytes = usedBytes
        self.availableBytes = availableBytes
        self.inodesTotal = inodesTotal
        self.inodesUsed = inodesUsed
    }

    /// Used space as `df` computes it: used / (used + available), which accounts for reserved blocks.
    public var usedPercent: Double? {
        // In Double: two huge Int64 figures from a host must not overflow.
        let usable = Double(usedBytes) + Double(availableBytes)
        guard usable > 0, usedBytes >= 0 else { return nil }
        return Double(usedBytes) / usable * 100
    }

    enum CodingKeys: String, CodingKey {
        case mountPoint = "mount_point"
        case device
        case fsType = "fs_type"
        case sizeBytes = "size_bytes"
        case usedBytes = "used_bytes"
        case availableBytes = "available_bytes"
        case inodesTotal = "inodes_total"
        case inodesUsed = "inodes_used"
    }
}

/// One of `count` slices of the fleet (`collector run --shard index/count`), so that
/// several collector jobs can split one inventory. Assignment is by a stable hash of
/// the server name: the same server always lands in the same shard, whatever the
/// order or size of the inventory.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based index of this shard.
    public var index: Int
    /// How many shards the fleet is split into (at least 1).
    public var count: Int

    /// Parses `i/n` with 1 ≤ i ≤ n.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Whether `serverName` belongs to this shard.
    public func contains(_ serverName: String) -> Bool {
        Int(StableHash.fnv1a(serverName) % UInt64(count)) == index - 1
    }

    /// `index/count`, as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }
}

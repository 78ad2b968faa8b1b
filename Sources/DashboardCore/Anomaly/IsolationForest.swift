import Glibc

/// An isolation forest (Liu, Ting & Zhou 2008), seeded and reproducible (docs/anomalies.md).
///
/// Each tree is grown from `subsampleSize` training points drawn without replacement, split on
/// a random feature among those that still vary in the node at a uniform value between their
/// minimum and maximum, down to ⌈log₂ ψ⌉ levels. A point's score is 2^(−E(h(x)) / c(ψ)), where
/// h(x) is its path length (plus c(size) at a leaf that holds several points) and c(n) the
/// average path length of an unsuccessful search in a binary search tree of n points.
///
/// One addition to the paper: each inner node also keeps the range its training points
/// spanned on the split feature. A scored point outside that range would, had it been among
/// the training points, have been cut off at that node with probability (distance outside) /
/// (range including the point); the path length is the expectation over that. Inside every
/// range (most points) this is exactly the paper's path length; a value far beyond anything
/// seen (a connection storm, a dead quiet host) is isolated early, as it would have been in
/// training, instead of being treated like the most extreme training point.
///
/// Values are first put on a common scale per feature (minus the training median, over a
/// robust spread, clamped to ±10⁶), which leaves the forest's splits unchanged but lets split
/// values be kept as `Float`. A missing value (NaN, infinite, or beyond the point's length) is
/// read as the feature's training median. The nodes of all trees live in one flat array.
public struct IsolationForest: Sendable {
    /// The number of features a point has.
    public let featureCount: Int
    /// The number of training points each tree was grown from (ψ).
    public let subsampleSize: Int
    /// Each feature's training median (0 when it had no value).
    let center: [Double]
    /// Each feature's robust spread (> 0; 1 when it did not vary).
    let scale: [Double]
    /// Every tree's nodes, tree after tree, each tree in pre-order (a node's left child follows it).
    let nodes: [Node]
    /// Per node: the number of training points that reached it when it is a leaf, else 0.
    let leafSizes: [Int32]
    /// Each tree's root node.
    let roots: [Int32]
    /// The depth of the deepest leaf of any tree.
    let depth: Int

    /// The largest magnitude a scaled value keeps (in robust spreads from the median).
    static let scaledLimit = 1e6
    /// Raw values are clamped to this magnitude first, so differences cannot overflow.
    static let rawLimit = 1e150

    /// The number of trees.
    public var treeCount: Int { roots.count }

    /// One node of a tree, 24 bytes. A leaf points to itself, through a feature slot that is
    /// always 0 and a split of −∞, so that scoring walks every tree the same number of steps
    /// without branches.
    struct Node: Sendable {
        /// The feature split on; `featureCount` (the 0 slot) at a leaf.
        var feature: Int32
        /// The right child; the node itself at a leaf.
        var other: Int32
        /// The split value: a point goes left when below it.
        var split: Float
        /// The lowest value of the split feature among the node's training points (−1 at a leaf).
        var low: Float
        /// The highest value of the split feature among the node's training points (1 at a leaf).
        var high: Float
        /// The path length of a point that ends here: depth + 1 at an inner node (cut off
        /// there), depth + c(size) at a leaf.
        var pathLength: Float

        /// An inner node `depth` levels down.
        static func inner(feature: Int, split: Float, low: Float, high: Float, depth: Int) -> Node {
            Node(feature: Int32(feature), other: -1, split: split, low: low, high: high, pathLength: Float(depth + 1))
        }

        /// A leaf at `index`, `depth` levels down, that `size` training points reached.
        static func leaf(at index: Int, depth: Int, size: Int, width: Int) -> Node {
            Node(
                feature: Int32(width), other: Int32(index), split: -.infinity, low: -1, high: 1,
                pathLength: Float(Double(depth) + IsolationForest.averagePathLength(size)))
        }

        /// Whether the node is a leaf of a forest over `width` features.
        func isLeaf(width: Int) -> Bool { Int(feature) >= width }
    }

    /// Grows `trees` trees, each from `subsampleSize` points (all of them when fewer) drawn
    /// without replacement with a generator seeded by `seed`. Rows may be ragged and hold NaN.
    public init(training: [[Double]], trees: Int = 100, subsampleSize: Int = 256, seed: UInt64) {
        let width = training.map(\.count).max() ?? 0
        let rows = training.count
        let psi = min(max(1, subsampleSize), rows)
        featureCount = width
        self.subsampleSize = psi

        var center = [Double](repeating: 0, count: width)
        var scale = [Double](repeating: 1, count: width)
        var column = [Double]()
        column.reserveCapacity(rows)
        for f in 0..<width {
            column.removeAll(keepingCapacity: true)
            for row in training where f < row.count && row[f].isFinite {
                column.append(Swift.min(Swift.max(row[f], -Self.rawLimit), Self.rawLimit))
            }
            guard !column.isEmpty else { continue }
            let (median, spread) = Self.robustCenterAndSpread(&column)
            center[f] = median
            scale[f] = spread > 0 ? spread : 1
        }
        self.center = center
        self.scale = scale

        // The scaled training matrix, row-major.
        var points = [Double](repeating: 0, count: rows * width)
        for (r, row) in training.enumerated() {
            for f in 0..<row.count {
                points[r * width + f] = Self.scaled(row[f], center: center[f], scale: scale[f])
            }
        }
        // Features that vary at all; the others can never be split on.
        var varying = [Int]()
        for f in 0..<width {
            let first = rows > 0 ? points[f] : 0
            if (0..<rows).contains(where: { points[$0 * width + f] != first }) { varying.append(f) }
        }

        var builder = TreeBuilder(points: points, width: width, varying: varying)
        var roots = [Int32]()
        let heightLimit = Self.heightLimit(psi)
        if rows > 0 {
            var order = Array(0..<rows)
            var mixer = seed
            for _ in 0..<max(0, trees) {
                var random = AnomalyRandom(seed: AnomalyRandom.splitMix(&mixer))
                // Partial Fisher–Yates: the first ψ entries become the tree's subsample.
                for i in 0..<psi {
                    order.swapAt(i, i + random.below(rows - i))
                }
                roots.append(Int32(builder.nodes.count))
                builder.grow(Array(order[0..<psi]), heightLimit: heightLimit, random: &random)
            }
        }
        nodes = builder.nodes
        leafSizes = builder.leafSizes
        depth = builder.depth
        self.roots = roots
    }

    /// Assembles a forest from its parts (decoding); the caller has checked them.
    init(
        featureCount: Int, subsampleSize: Int, center: [Double], scale: [Double], nodes: [Node], leafSizes: [Int32], roots: [Int32],
        depth: Int
    ) {
        self.featureCount = featureCount
        self.subsampleSize = subsampleSize
        self.center = center
        self.scale = scale
        self.nodes = nodes
        self.leafSizes = leafSizes
        self.roots = roots
        self.depth = depth
    }

    /// The anomaly score of `point` in [0, 1]: 2^(−E(h(x)) / c(ψ)); 0.5 for a forest that
    /// learnt nothing (no trees, or a single training point).
    public func score(_ point: [Double]) -> Double {
        let normaliser = Self.averagePathLength(subsampleSize)
        guard !roots.isEmpty, normaliser > 0 else { return 0.5 }
        let width = featureCount
        let trees = roots.count
        let total = withUnsafeTemporaryAllocation(of: Double.self, capacity: width + 1 + 2 * trees) { scratch in
            for f in 0..<width {
                scratch[f] = f < point.count ? Self.scaled(point[f], center: center[f], scale: scale[f]) : 0
            }
            scratch[width] = 0
            // Per tree: the chance the point is still not cut off, and the path length expected so far.
            let surviving = width + 1
            let expected = surviving + trees
            for tree in 0..<trees {
                scratch[surviving + tree] = 1
                scratch[expected + tree] = 0
            }
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: trees) { cursors in
                for (tree, root) in roots.enumerated() { cursors[tree] = Int(root) }
                return nodes.withUnsafeBufferPointer { nodes in
                    // All trees a level at a time: independent steps the processor overlaps.
                    for _ in 0..<depth {
                        for tree in 0..<trees {
                            let index = cursors[tree]
                            let node = nodes[index]
                            let x = scratch[Int(node.feature)]
                            // Branch-free: left (index + 1) or right (`other`) by a mask.
                            let goesRight = 0 &- Int(unsafeBitCast(x >= Double(node.split), to: UInt8.self))
                            cursors[tree] = (index + 1) ^ (((index + 1) ^ Int(node.other)) & goesRight)
                            let (low, high) = (Double(node.low), Double(node.high))
                            let outside = Swift.max(low - x, x - high, 0)
                            let cutOff = outside / (high - low + outside)
                            scratch[expected + tree] += scratch[surviving + tree] * cutOff * Double(node.pathLength)
                            scratch[surviving + tree] *= 1 - cutOff
                        }
                    }
                    var total = 0.0
                    for tree in 0..<trees {
                        total += scratch[expected + tree] + scratch[surviving + tree] * Double(nodes[cursors[tree]].pathLength)
                    }
                    return total
                }
            }
        }
        let score = exp2(-(total / Double(roots.count)) / normaliser)
        return score.isFinite ? Swift.min(Swift.max(score, 0), 1) : 0.5
    }

    /// c(n): the average path length of an unsuccessful search in a binary search tree of
    /// `n` points, 2·H(n−1) − 2(n−1)/n; 1 for two points, 0 for one or none.
    public static func averagePathLength(_ n: Int) -> Double {
        if n <= 1 { return 0 }
        if n == 2 { return 1 }
        let m = Double(n - 1)
        return 2 * (log(m) + 0.577_215_664_901_532_9) - 2 * m / Double(n)
    }

    /// ⌈log₂ ψ⌉, the depth a tree grows to.
    static func heightLimit(_ psi: Int) -> Int {
        var limit = 0
        while (1 << limit) < psi { limit += 1 }
        return limit
    }

    /// `x` on the feature's scale, clamped; a missing value is the median (0).
    @inline(__always)
    static func scaled(_ x: Double, center: Double, scale: Double) -> Double {
        guard x.isFinite else { return 0 }
        let z = (Swift.min(Swift.max(x, -rawLimit), rawLimit) - center) / scale
        return z.isFinite ? Swift.min(Swift.max(z, -scaledLimit), scaledLimit) : 0
    }

    /// The median of `values` (reordered) and a robust spread around it: 1.4826 × the median
    /// absolute deviation, else 1.2533 × the mean absolute deviation, else 0 (no variation).
    static func robustCenterAndSpread(_ values: inout [Double]) -> (median: Double, spread: Double) {
        let median = Self.median(&values)
        for i in values.indices { values[i] = abs(values[i] - median) }
        let mad = Self.median(&values) * 1.4826
        if mad.isFinite, mad > 0 { return (median, mad) }
        let mean = values.reduce(0, +) / Double(values.count) * 1.2533
        return (median, mean.isFinite ? mean : 0)
    }

    /// The median of non-empty `values`, which it sorts.
    static func median(_ values: inout [Double]) -> Double {
        values.sort()
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : values[middle - 1] / 2 + values[middle] / 2
    }
}

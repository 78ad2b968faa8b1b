extension IsolationForest {
    /// Grows isolation trees into a flat node array, in pre-order: a node's left child follows
    /// it, `other` holds its right child (or, at a leaf, the number of points there).
    struct TreeBuilder {
        /// The scaled training points, row-major.
        let points: [Double]
        /// The number of features per point.
        let width: Int
        /// The features that vary over the whole training set.
        let varying: [Int]
        /// The nodes grown so far.
        var nodes: [Node] = []
        /// Per node: the leaf's size, or 0.
        var leafSizes: [Int32] = []
        /// The deepest leaf so far.
        var depth = 0
        private var low: [Double]
        private var high: [Double]
        private var candidates: [Int] = []

        /// Prepares to grow trees over `points`.
        init(points: [Double], width: Int, varying: [Int]) {
            self.points = points
            self.width = width
            self.varying = varying
            low = [Double](repeating: 0, count: varying.count)
            high = [Double](repeating: 0, count: varying.count)
        }

        /// Grows one tree from the points numbered `subsample`, appending its nodes.
        mutating func grow(_ subsample: [Int], heightLimit: Int, random: inout AnomalyRandom) {
            var indices = subsample
            var stack: [(lower: Int, upper: Int, depth: Int, parent: Int)] = [(0, indices.count, 0, -1)]
            while let (lower, upper, depth, parent) = stack.popLast() {
                let node = nodes.count
                if parent >= 0 { nodes[parent].other = Int32(node) }
                let size = upper - lower
                if size > 1, depth < heightLimit, let choice = chooseSplit(indices, lower, upper, &random) {
                    let threshold = Double(choice.split)
                    var boundary = lower
                    var last = upper - 1
                    while boundary <= last {
                        if points[indices[boundary] * width + choice.feature] < threshold {
                            boundary += 1
                        } else {
                            indices.swapAt(boundary, last)
                            last -= 1
                        }
                    }
                    nodes.append(.inner(feature: choice.feature, split: choice.split, low: choice.low, high: choice.high, depth: depth))
                    leafSizes.append(0)
                    stack.append((boundary, upper, depth + 1, node))
                    stack.append((lower, boundary, depth + 1, -1))
                } else {
                    nodes.append(.leaf(at: node, depth: depth, size: size, width: width))
                    leafSizes.append(Int32(size))
                    self.depth = max(self.depth, depth)
                }
            }
        }

        /// A random feature among those that vary in the node, a uniform split value strictly
        /// above its minimum and at most its maximum, and its range there rounded outwards (all
        /// as `Float`s); `nil` when nothing varies.
        private mutating func chooseSplit(
            _ indices: [Int], _ lower: Int, _ upper: Int, _ random: inout AnomalyRandom
        ) -> (feature: Int, split: Float, low: Float, high: Float)? {
            guard !varying.isEmpty else { return nil }
            let first = indices[lower] * width
            for (slot, f) in varying.enumerated() {
                low[slot] = points[first + f]
                high[slot] = points[first + f]
            }
            for position in (lower + 1)..<upper {
                let base = indices[position] * width
                for (slot, f) in varying.enumerated() {
                    let x = points[base + f]
                    if x < low[slot] { low[slot] = x } else if x > high[slot] { high[slot] = x }
                }
            }
            candidates.removeAll(keepingCapacity: true)
            for slot in varying.indices where low[slot] < high[slot] { candidates.append(slot) }
            guard !candidates.isEmpty else { return nil }
            let slot = candidates[random.below(candidates.count)]
            let (minimum, maximum) = (low[slot], high[slot])
            var split = Float(minimum + random.unit() * (maximum - minimum))
            if !(Double(split) > minimum && Double(split) <= maximum) {
                split = Float(minimum + (maximum - minimum) / 2)
                if !(Double(split) > minimum && Double(split) <= maximum) { return nil }
            }
            var low = Float(minimum)
            if Double(low) > minimum { low = low.nextDown }
            var high = Float(maximum)
            if Double(high) < maximum { high = high.nextUp }
            return (varying[slot], split, low, high)
        }
    }
}

import FoundationEssentials

extension IsolationForest: Codable {
    private enum CodingKeys: String, CodingKey {
        case featureCount, subsampleSize, center, scale, trees
    }

    /// Decodes a forest written by `encode(to:)`, checking every node.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let width = try container.decode(Int.self, forKey: .featureCount)
        let psi = try container.decode(Int.self, forKey: .subsampleSize)
        let center = try container.decode([Double].self, forKey: .center)
        let scale = try container.decode([Double].self, forKey: .scale)
        let trees = try container.decode([String].self, forKey: .trees).map { text in
            guard let tree = Self.floats(base64: text) else {
                throw DecodingError.dataCorruptedError(forKey: .trees, in: container, debugDescription: "an isolation tree is not base64 of 32-bit floats")
            }
            return tree
        }
        guard width >= 0, psi >= 0, psi <= Int(Int32.max), center.count == width, scale.count == width,
            center.allSatisfy(\.isFinite), scale.allSatisfy({ $0.isFinite && $0 > 0 })
        else {
            throw DecodingError.dataCorruptedError(forKey: .center, in: container, debugDescription: "inconsistent isolation forest")
        }
        var nodes = [Node]()
        var leafSizes = [Int32]()
        var roots = [Int32]()
        var depth = 0
        for tree in trees {
            roots.append(Int32(nodes.count))
            guard Self.read(tree, into: &nodes, leafSizes: &leafSizes, depth: &depth, width: width, subsampleSize: psi) else {
                throw DecodingError.dataCorruptedError(forKey: .trees, in: container, debugDescription: "malformed isolation tree")
            }
        }
        self.init(
            featureCount: width, subsampleSize: psi, center: center, scale: scale, nodes: nodes, leafSizes: leafSizes, roots: roots,
            depth: depth)
    }

    /// Encodes the forest compactly: each tree is its nodes in pre-order, an inner node as its
    /// feature, split value and the range of its training points, a leaf as −1 − its size, all
    /// as 32-bit little-endian floats in base64 (a third of the size of JSON numbers, and read
    /// without parsing text: a model is loaded for every scored sample).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(featureCount, forKey: .featureCount)
        try container.encode(subsampleSize, forKey: .subsampleSize)
        try container.encode(center, forKey: .center)
        try container.encode(scale, forKey: .scale)
        var trees = [String]()
        trees.reserveCapacity(roots.count)
        for (index, root) in roots.enumerated() {
            let end = index + 1 < roots.count ? Int(roots[index + 1]) : nodes.count
            var tree = [Float]()
            tree.reserveCapacity((end - Int(root)) * 3 / 2)
            for index in Int(root)..<end {
                let node = nodes[index]
                if !node.isLeaf(width: featureCount) {
                    tree.append(contentsOf: [Float(node.feature), node.split, node.low, node.high])
                } else {
                    tree.append(-1 - Float(leafSizes[index]))
                }
            }
            trees.append(Self.base64(tree))
        }
        try container.encode(trees, forKey: .trees)
    }

    /// `floats` as little-endian 32-bit values, base64-encoded.
    static func base64(_ floats: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * 4)
        for value in floats {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    /// The floats `base64(_:)` wrote; nil when the text is not base64 of whole 32-bit values.
    static func floats(base64 text: String) -> [Float]? {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }

    /// Appends one encoded tree's nodes, deepening `depth` to its deepest leaf; `false` when it
    /// is malformed.
    private static func read(
        _ tree: [Float], into nodes: inout [Node], leafSizes: inout [Int32], depth: inout Int, width: Int, subsampleSize: Int
    ) -> Bool {
        // Inner nodes whose right child is still to come, with their depths.
        var open: [(index: Int, depth: Int)] = []
        var position = 0
        var previous: (isInner: Bool, depth: Int)?
        while true {
            guard position < tree.count, nodes.count < Int(Int32.max) else { return false }
            let node = nodes.count
            let level: Int
            switch previous {
            case nil: level = 0
            case (true, let parentDepth)?: level = parentDepth + 1
            case (false, _)?:
                let parent = open.removeLast()
                nodes[parent.index].other = Int32(node)
                level = parent.depth + 1
            }
            guard level <= 64 else { return false }
            let head = tree[position]
            position += 1
            guard head.isFinite, head == head.rounded() else { return false }
            if head >= 0 {
                guard head < Float(width), position + 2 < tree.count else { return false }
                let (split, low, high) = (tree[position], tree[position + 1], tree[position + 2])
                guard low.isFinite, high.isFinite, low < split, split <= high else { return false }
                nodes.append(.inner(feature: Int(head), split: split, low: low, high: high, depth: level))
                leafSizes.append(0)
                position += 3
                open.append((node, level))
                previous = (true, level)
            } else {
                let size = -1 - head
                guard size <= Float(subsampleSize) else { return false }
                nodes.append(.leaf(at: node, depth: level, size: Int(size), width: width))
                leafSizes.append(Int32(size))
                depth = max(depth, level)
                previous = (false, level)
                if open.isEmpty { break }
            }
        }
        return position == tree.count
    }
}

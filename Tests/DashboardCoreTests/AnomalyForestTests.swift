import Foundation
import Testing

@testable import DashboardCore

@Suite struct AnomalyForestTests {
    /// `count` points of a 2-D cluster around (10, 50) with spreads 1 and 5, from a fixed seed.
    static func cluster(count: Int, seed: UInt64) -> [[Double]] {
        var random = AnomalyRandom(seed: seed)
        return (0..<count).map { _ in [10 + normal(&random), 50 + 5 * normal(&random)] }
    }

    /// A standard normal value (Box–Muller).
    static func normal(_ random: inout AnomalyRandom) -> Double {
        let u = max(random.unit(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * random.unit())
    }

    static let probes: [[Double]] = cluster(count: 40, seed: 99) + [[30, 150], [10, 50], [0, 0], [10, 80]]

    @Test func sameSeedGivesBitwiseSameScores() {
        let training = Self.cluster(count: 500, seed: 1)
        let first = IsolationForest(training: training, seed: 42)
        let second = IsolationForest(training: training, seed: 42)
        #expect(first.treeCount == 100)
        #expect(first.subsampleSize == 256)
        for point in Self.probes {
            #expect(first.score(point).bitPattern == second.score(point).bitPattern)
        }
    }

    @Test func differentSeedGivesCloseButDifferentScores() {
        let training = Self.cluster(count: 500, seed: 1)
        let first = IsolationForest(training: training, seed: 42)
        let second = IsolationForest(training: training, seed: 43)
        let differences = Self.probes.map { abs(first.score($0) - second.score($0)) }
        #expect(differences.contains { $0 > 0 })
        #expect(differences.allSatisfy { $0 < 0.06 }, "largest difference \(differences.max() ?? 0)")
    }

    @Test func obviousOutlierScoresHighAndTypicalPointLow() {
        let forest = IsolationForest(training: Self.cluster(count: 500, seed: 7), seed: 2024)
        let outlier = forest.score([30, 150])
        let typical = forest.score([10, 50])
        #expect(outlier > 0.65, "outlier scored \(outlier)")
        #expect(typical < 0.5, "typical point scored \(typical)")
        // Further out is no less anomalous.
        #expect(forest.score([300, 1500]) >= outlier)
    }

    @Test func hostileTrainingAndScoringValuesGiveFiniteScores() {
        var training = Self.cluster(count: 300, seed: 3)
        training[0] = [.nan, .nan]
        training[1] = [.infinity, -.infinity]
        training[2] = [1e308, -1e308]
        training[3] = [.greatestFiniteMagnitude, 5]
        training[4] = []
        training[5] = [10, 50, 99, .nan]
        let forest = IsolationForest(training: training, seed: 5)
        #expect(forest.featureCount == 4)
        let points: [[Double]] = [
            [.nan, .nan], [.infinity, 1], [-.infinity, .nan], [1e308, -1e308], [], [1, 2, 3, 4, 5, 6],
            [.leastNonzeroMagnitude, -.leastNonzeroMagnitude], [10, 50],
        ]
        for point in points {
            let score = forest.score(point)
            #expect(score.isFinite && score >= 0 && score <= 1, "\(point) scored \(score)")
        }
        #expect(forest.score([10, 50]) < 0.5)
    }

    @Test func degenerateTrainingSetsGiveNeutralScores() {
        #expect(IsolationForest(training: [], seed: 1).score([1, 2]) == 0.5)
        #expect(IsolationForest(training: [[1, 2]], seed: 1).score([1, 2]) == 0.5)
        #expect(IsolationForest(training: [[1, 2], [3, 4]], trees: 0, seed: 1).score([1, 2]) == 0.5)
        // Every point alike: nothing to split on, every path ends at a root leaf of ψ points.
        let constant = IsolationForest(training: Array(repeating: [5, 5], count: 50), seed: 1)
        #expect(abs(constant.score([5, 5]) - 0.5) < 1e-6)
        #expect(abs(constant.score([500, -5]) - 0.5) < 1e-6)
    }

    @Test func subsampleIsAllPointsWhenFewer() {
        let forest = IsolationForest(training: Self.cluster(count: 40, seed: 4), trees: 10, subsampleSize: 256, seed: 1)
        #expect(forest.subsampleSize == 40)
        #expect(forest.treeCount == 10)
    }

    @Test func averagePathLengthMatchesThePaper() {
        #expect(IsolationForest.averagePathLength(0) == 0)
        #expect(IsolationForest.averagePathLength(1) == 0)
        #expect(IsolationForest.averagePathLength(2) == 1)
        #expect(abs(IsolationForest.averagePathLength(256) - 10.244_770_920_116_851) < 1e-9)
        #expect(IsolationForest.heightLimit(256) == 8)
        #expect(IsolationForest.heightLimit(257) == 9)
        #expect(IsolationForest.heightLimit(1) == 0)
    }

    @Test func jsonRoundTripGivesIdenticalScores() throws {
        let forest = IsolationForest(training: Self.cluster(count: 500, seed: 11), seed: 8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(forest)
        let decoded = try JSONDecoder().decode(IsolationForest.self, from: data)
        #expect(decoded.treeCount == forest.treeCount)
        for point in Self.probes {
            #expect(decoded.score(point).bitPattern == forest.score(point).bitPattern)
        }
        #expect(try encoder.encode(decoded) == data)
    }

    /// A forest document with `trees` written as the encoder writes them: little-endian 32-bit floats in base64.
    static func document(width: Int = 1, scale: String = "[1]", trees: [[Float]]) -> String {
        let encoded = trees.map { tree -> String in
            var bytes = [UInt8]()
            for value in tree { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            return "\"" + Data(bytes).base64EncodedString() + "\""
        }
        return #"{"featureCount":\#(width),"subsampleSize":2,"center":[0],"scale":\#(scale),"trees":[\#(encoded.joined(separator: ","))]}"#
    }

    @Test func malformedForestIsRejected() throws {
        let good = Self.document(trees: [[0, 0.5, 0, 1, -2, -2]])
        let forest = try JSONDecoder().decode(IsolationForest.self, from: Data(good.utf8))
        #expect(forest.score([0]) == forest.score([0.1]))
        let bad = [
            Self.document(trees: [[0, 0.5, 0, 1, -2]]),
            Self.document(trees: [[3, 0.5, 0, 1, -2, -2]]),
            Self.document(trees: [[-2, -2]]),
            Self.document(trees: [[0, 0.5, 0.6, 1, -2, -2]]),
            Self.document(trees: [[-9]]),
            Self.document(scale: "[0]", trees: [[-2]]),
            Self.document(width: 2, trees: [[-2]]),
            Self.document(trees: [[]]),
            #"{"featureCount":1,"subsampleSize":2,"center":[0],"scale":[1],"trees":["not base64!"]}"#,
            #"{"featureCount":1,"subsampleSize":2,"center":[0],"scale":[1],"trees":["AAAA/w=="]}"#,
            #"{"featureCount":1,"subsampleSize":2,"center":[0],"scale":[1],"trees":[[0,0.5,0,1,-2,-2]]}"#,
        ]
        for text in bad {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(IsolationForest.self, from: Data(text.utf8)) }
        }
    }
}

/// How well one run of a detector found the planted anomalies: every server's samples scored,
/// each server's `contamination` fraction with the highest scores flagged (the way
/// scikit-learn's `contamination` sets its threshold), compared with the labels.
struct Detection {
    /// Flagged and labelled / flagged / labelled, over every server.
    private(set) var truePositives = 0
    private(set) var flagged = 0
    private(set) var labelled = 0
    /// Each server's F1.
    private(set) var serverF1: [Double] = []
    /// Labelled and flagged / labelled, by kind.
    private(set) var foundByKind: [String: (found: Int, total: Int)] = [:]

    /// The samples of one server flagged at `contamination`: the `round(contamination × n)`
    /// highest scores (ties to the earlier sample, as the reference does).
    static func flags(scores: [Double], contamination: Double) -> [Bool] {
        let count = Int((contamination * Double(scores.count)).rounded())
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var flags = [Bool](repeating: false, count: scores.count)
        for index in order.prefix(count) { flags[index] = true }
        return flags
    }

    /// Adds one server's flags against its labels.
    mutating func add(flags: [Bool], labels: [PlantedAnomaly.Kind?]) {
        var truePositives = 0
        for (flag, label) in zip(flags, labels) {
            if let label {
                foundByKind[label.rawValue, default: (0, 0)].total += 1
                if flag { foundByKind[label.rawValue, default: (0, 0)].found += 1 }
            }
            if flag && label != nil { truePositives += 1 }
        }
        let flagged = flags.count { $0 }
        let labelled = labels.count { $0 != nil }
        self.truePositives += truePositives
        self.flagged += flagged
        self.labelled += labelled
        serverF1.append(Self.f1(truePositives: truePositives, flagged: flagged, labelled: labelled))
    }

    /// Of the flagged samples, the fraction labelled.
    var precision: Double { flagged == 0 ? 0 : Double(truePositives) / Double(flagged) }
    /// Of the labelled samples, the fraction flagged.
    var recall: Double { labelled == 0 ? 0 : Double(truePositives) / Double(labelled) }
    /// The harmonic mean of precision and recall, pooled over every server.
    var f1: Double { Self.f1(truePositives: truePositives, flagged: flagged, labelled: labelled) }
    /// The mean of the servers' own F1.
    var meanServerF1: Double { serverF1.isEmpty ? 0 : serverF1.reduce(0, +) / Double(serverF1.count) }

    static func f1(truePositives: Int, flagged: Int, labelled: Int) -> Double {
        flagged + labelled == 0 ? 0 : 2 * Double(truePositives) / Double(flagged + labelled)
    }
}

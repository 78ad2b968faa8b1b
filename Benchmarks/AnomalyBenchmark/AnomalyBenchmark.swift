import DashboardCore
import Foundation

/// `make bench-anomaly` (docs/benchmarks.md): generates a labelled fleet (`BENCH_SERVERS`
/// synthetic servers × `BENCH_DAYS` days of 15-minute samples with planted anomalies), writes
/// it as CSV in the detector's features to `BENCH_ANOMALY_DIR` for the scikit-learn reference
/// (scripts/bench/anomaly_reference.py), trains our `AnomalyModel` per server on its whole
/// window, flags the top `contamination` fraction of each server's scores and reports
/// precision, recall and F1 over `BENCH_SEEDS` forest seeds, and the training (median) and
/// scoring (fastest pass) CPU times, to `ours.json` there. A measurement, not a test.
@main
struct AnomalyBenchmark {
    static func main() throws {
        let environment = ProcessInfo.processInfo.environment
        let folder = URL(fileURLWithPath: environment["BENCH_ANOMALY_DIR"] ?? ".build/bench-anomaly")
        let serverCount = Int(environment["BENCH_SERVERS"] ?? "") ?? 20
        let days = Int(environment["BENCH_DAYS"] ?? "") ?? 14
        let runs = Int(environment["BENCH_SEEDS"] ?? "") ?? 10
        let dataSeed = UInt64(environment["BENCH_DATA_SEED"] ?? "") ?? 19
        guard serverCount >= 1, days >= 7, runs >= 1 else {
            print("BENCH_SERVERS ≥ 1, BENCH_DAYS ≥ 7 (a week of cycles, a weekday for every anomaly) and BENCH_SEEDS ≥ 1, please")
            exit(2)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        let generated = ContinuousClock.now
        let fleet = (0..<serverCount).map { SyntheticServer(index: $0, days: days, seed: dataSeed) }
        let sampleCount = fleet.reduce(0) { $0 + $1.samples.count }
        let anomalyCount = fleet.reduce(0) { $0 + $1.labels.count { $0 != nil } }
        let contamination = Double(anomalyCount) / Double(sampleCount)
        print("fleet: \(serverCount) servers × \(days) days = \(sampleCount) samples, \(anomalyCount) labelled anomalous")
        print(
            String(format: "contamination (the true anomaly rate, for both detectors): %.4f; generated in %@", contamination, "\(generated.duration(to: .now))")
        )
        for kind in PlantedAnomaly.Kind.allCases {
            let planted = fleet.reduce(0) { $0 + $1.anomalies.count { $0.kind == kind } }
            let samples = fleet.reduce(0) { $0 + $1.labels.count { $0 == kind } }
            print("  \(kind.rawValue): \(planted) planted, \(samples) samples labelled")
        }

        let vectors = fleet.map { server in
            server.samples.indices.map { AnomalyFeatures.vector(server.samples[$0], previous: $0 > 0 ? server.samples[$0 - 1] : nil) }
        }
        let csv = folder.appendingPathComponent("dataset.csv")
        try DatasetCSV.write(fleet: fleet, vectors: vectors, keys: AnomalyFeatures.keys, to: csv)
        print("data set: \(csv.path) (\(AnomalyFeatures.keys.count) features: \(AnomalyFeatures.keys.joined(separator: ", ")))")

        // Quality: every server, every seed; training timed on the way.
        var detections: [Detection] = []
        var atThreshold = Detection()
        var trainingSeconds: [Double] = []
        var models: [AnomalyModel] = []
        var normalScores: [Double] = []
        var anomalousScores: [Double] = []
        for run in 0..<runs {
            var detection = Detection()
            for (index, server) in fleet.enumerated() {
                let seed = UInt64(run * 1_000 + index)
                let started = CPUTime.now()
                guard let model = AnomalyModel.train(samples: server.samples, seed: seed, now: server.samples.last!.collectedAt) else {
                    print("no model for \(server.name)")
                    exit(1)
                }
                trainingSeconds.append(CPUTime.now() - started)
                let scores = server.samples.indices.map { model.assess(server.samples[$0], previous: $0 > 0 ? server.samples[$0 - 1] : nil).score }
                detection.add(flags: Detection.flags(scores: scores, contamination: contamination), labels: server.labels)
                if run == 0 {
                    for (score, label) in zip(scores, server.labels) {
                        if label == nil { normalScores.append(score) } else { anomalousScores.append(score) }
                    }
                    models.append(model)
                    atThreshold.add(flags: scores.map { $0 >= anomalyThreshold }, labels: server.labels)
                }
            }
            print(String(format: "seed run %d: precision %.3f recall %.3f F1 %.3f", run, detection.precision, detection.recall, detection.f1))
            detections.append(detection)
        }

        // Scoring: `assess` (features, score, reason) over each server's samples, the fastest
        // of five passes after a warm-up pass; then the forest alone on the prepared vectors.
        var sink = 0.0
        var scoringSeconds = 0.0
        for (index, server) in fleet.enumerated() {
            let model = models[index]
            let passes = (0..<6).map { _ in
                CPUTime.measure {
                    for position in server.samples.indices {
                        sink += model.assess(server.samples[position], previous: position > 0 ? server.samples[position - 1] : nil).score
                    }
                }
            }
            scoringSeconds += passes.dropFirst().min()!
        }
        var forestSeconds = 0.0
        for (index, rows) in vectors.enumerated() {
            let points = imputed(rows)
            let forest = IsolationForest(training: points, trees: 100, subsampleSize: 256, seed: UInt64(index))
            let passes = (0..<6).map { _ in CPUTime.measure { for point in points { sink += forest.score(point) } } }
            forestSeconds += passes.dropFirst().min()!
        }
        precondition(sink.isFinite)

        let trainingMs = median(trainingSeconds) * 1_000
        let scoringUs = scoringSeconds * 1e6 / Double(sampleCount)
        let forestUs = forestSeconds * 1e6 / Double(sampleCount)
        let f1s = detections.map(\.f1)
        let report: [String: Any] = [
            "detector": "ours (Sources/DashboardCore/Anomaly)",
            "servers": serverCount, "days": days, "samples": sampleCount, "anomalies": anomalyCount,
            "contamination": contamination, "runs": runs,
            "precision": mean(detections.map(\.precision)), "recall": mean(detections.map(\.recall)),
            "f1": mean(f1s), "f1_min": f1s.min()!, "f1_max": f1s.max()!,
            "per_server_f1": mean(detections.map(\.meanServerF1)),
            "recall_by_kind": Dictionary(
                uniqueKeysWithValues: PlantedAnomaly.Kind.allCases.map { kind in
                    (
                        kind.rawValue,
                        mean(detections.map { Double($0.foundByKind[kind.rawValue]?.found ?? 0) / Double(max(1, $0.foundByKind[kind.rawValue]?.total ?? 0)) })
                    )
                }),
            "at_threshold": [
                "threshold": anomalyThreshold, "precision": atThreshold.precision, "recall": atThreshold.recall, "f1": atThreshold.f1,
                "flagged": atThreshold.flagged,
            ],
            "mean_score_normal": mean(normalScores), "mean_score_anomalous": mean(anomalousScores),
            "train_ms_per_server": trainingMs, "train_ms_per_server_day": trainingMs / Double(days),
            "score_us_per_sample": scoringUs, "forest_score_us_per_sample": forestUs,
        ]
        let json = folder.appendingPathComponent("ours.json")
        try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]).write(to: json)
        print(
            String(
                format:
                    "ours: F1 %.3f (%.3f–%.3f over %d seeds), precision %.3f, recall %.3f; "
                    + "training %.2f ms per server (%.2f ms per server-day); scoring %.2f µs per sample (forest alone %.2f µs)",
                mean(f1s), f1s.min()!, f1s.max()!, runs, mean(detections.map(\.precision)), mean(detections.map(\.recall)), trainingMs,
                trainingMs / Double(days), scoringUs, forestUs))
        print("written: \(json.path)")
    }

    /// The product's default `ANOMALY_SCORE_THRESHOLD`.
    static let anomalyThreshold = 0.65

    /// `rows` with each missing (NaN) figure replaced by the median of its column (0 when the
    /// column has no value at all), as the reference does.
    static func imputed(_ rows: [[Double]]) -> [[Double]] {
        guard let width = rows.first?.count else { return rows }
        let medians = (0..<width).map { column -> Double in
            let values = rows.map { $0[column] }.filter { !$0.isNaN }.sorted()
            guard !values.isEmpty else { return 0 }
            let middle = values.count / 2
            return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
        }
        return rows.map { row in row.enumerated().map { $0.element.isNaN ? medians[$0.offset] : $0.element } }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}

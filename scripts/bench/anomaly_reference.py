#!/usr/bin/env python3
"""The reference of `make bench-anomaly` (docs/benchmarks.md): scikit-learn's IsolationForest.

  anomaly_reference.py run DATASET.csv --seeds N --out reference.json
      reads the data set Benchmarks/AnomalyBenchmark wrote (server, collected_at, label, then
      the detector's features), and per server, on the same window and features (a missing
      figure imputed by the server's median, as ours does), fits IsolationForest(n_estimators=100,
      max_samples=256, contamination=<the true anomaly rate>, random_state=run*1000+server),
      flags each server's top `contamination` fraction of scores, and writes precision, recall,
      F1 (pooled and mean per server, mean over N seeds), recall by kind, the figures at score
      >= 0.65 and the CPU times (training: the median fit; scoring: the fastest pass) as JSON
      (the keys of the benchmark's ours.json).
  anomaly_reference.py table OURS.json REFERENCE.json
      prints the comparison and whether each target is met.

Runs on the machine only; nothing here opens a connection.
"""
import argparse
import csv
import json
import math
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest

THRESHOLD = 0.65
KINDS = ["cpu_spike", "memory_leak", "connection_storm", "dead_period", "shifted_day"]


def load(path):
    """Per server, in file order: (name, feature matrix with NaN imputed, labels)."""
    servers = {}
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for row in reader:
            rows, labels = servers.setdefault(row[0], ([], []))
            rows.append([float(value) if value else math.nan for value in row[3:]])
            labels.append(row[2])
    result = []
    for name, (rows, labels) in servers.items():
        matrix = np.array(rows, dtype=float)
        for column in range(matrix.shape[1]):
            values = matrix[:, column]
            missing = np.isnan(values)
            if missing.all():
                values[:] = 0.0
            elif missing.any():
                values[missing] = np.median(values[~missing])
        result.append((name, matrix, labels))
    return header[3:], result


def top_flags(scores, contamination):
    """The round(contamination * n) highest scores, ties to the earlier sample (as ours)."""
    count = int(round(contamination * len(scores)))
    order = np.argsort(-scores, kind="stable")
    flags = np.zeros(len(scores), dtype=bool)
    flags[order[:count]] = True
    return flags


class Detection:
    """Pooled and per-server counts of one run (Benchmarks/AnomalyBenchmark/Detection.swift)."""

    def __init__(self):
        self.true_positives = self.flagged = self.labelled = 0
        self.server_f1 = []
        self.by_kind = {kind: [0, 0] for kind in KINDS}

    def add(self, flags, labels):
        true_positives = 0
        for flag, label in zip(flags, labels):
            if label:
                self.by_kind[label][1] += 1
                if flag:
                    self.by_kind[label][0] += 1
                    true_positives += 1
        flagged = int(flags.sum())
        labelled = sum(1 for label in labels if label)
        self.true_positives += true_positives
        self.flagged += flagged
        self.labelled += labelled
        self.server_f1.append(f1(true_positives, flagged, labelled))

    @property
    def precision(self):
        return self.true_positives / self.flagged if self.flagged else 0.0

    @property
    def recall(self):
        return self.true_positives / self.labelled if self.labelled else 0.0

    @property
    def f1(self):
        return f1(self.true_positives, self.flagged, self.labelled)


def f1(true_positives, flagged, labelled):
    return 2 * true_positives / (flagged + labelled) if flagged + labelled else 0.0


def mean(values):
    return sum(values) / len(values) if values else 0.0


def run(arguments):
    keys, servers = load(arguments.dataset)
    samples = sum(len(labels) for _, _, labels in servers)
    anomalies = sum(1 for _, _, labels in servers for label in labels if label)
    contamination = anomalies / samples

    def forest(seed):
        return IsolationForest(n_estimators=100, max_samples=256, contamination=contamination, random_state=seed)

    forest(0).fit(servers[0][1])  # warm-up: imports, first allocations
    detections, own_predict, fit_ms = [], [], []
    at_threshold = Detection()
    models, normal_scores, anomalous_scores = [], [], []
    for run_index in range(arguments.seeds):
        detection, predicted = Detection(), Detection()
        for index, (_, matrix, labels) in enumerate(servers):
            model = forest(run_index * 1000 + index)
            started = time.process_time()
            model.fit(matrix)
            fit_ms.append((time.process_time() - started) * 1000)
            scores = -model.score_samples(matrix)
            detection.add(top_flags(scores, contamination), labels)
            predicted.add(model.predict(matrix) == -1, labels)
            if run_index == 0:
                normal_scores += [score for score, label in zip(scores, labels) if not label]
                anomalous_scores += [score for score, label in zip(scores, labels) if label]
                models.append(model)
                at_threshold.add(scores >= THRESHOLD, labels)
        print(f"seed run {run_index}: precision {detection.precision:.3f} recall {detection.recall:.3f} F1 {detection.f1:.3f}"
              f" (with predict(): F1 {predicted.f1:.3f})", file=sys.stderr)
        detections.append(detection)
        own_predict.append(predicted.f1)

    # Scoring (CPU time, as ours): score_samples over each server's whole window (vectorised,
    # the way it is meant to be used), the fastest of five passes after a warm-up; and one
    # sample per call.
    scoring = 0.0
    for model, (_, matrix, _) in zip(models, servers):
        passes = []
        for _ in range(6):
            started = time.process_time()
            model.score_samples(matrix)
            passes.append(time.process_time() - started)
        scoring += min(passes[1:])
    single = servers[0][1][:200]
    started = time.process_time()
    for row in single:
        models[0].score_samples(row.reshape(1, -1))
    single_us = (time.process_time() - started) * 1e6 / len(single)

    f1s = [detection.f1 for detection in detections]
    train_ms = float(np.median(fit_ms))
    days = samples / len(servers) / 96
    report = {
        "detector": f"scikit-learn {sklearn.__version__} IsolationForest (numpy {np.__version__}, Python {sys.version.split()[0]})",
        "servers": len(servers), "days": days, "samples": samples, "anomalies": anomalies,
        "contamination": contamination, "runs": arguments.seeds, "features": keys,
        "precision": mean([d.precision for d in detections]), "recall": mean([d.recall for d in detections]),
        "f1": mean(f1s), "f1_min": min(f1s), "f1_max": max(f1s), "f1_predict": mean(own_predict),
        "per_server_f1": mean([mean(d.server_f1) for d in detections]),
        "recall_by_kind": {kind: mean([d.by_kind[kind][0] / max(1, d.by_kind[kind][1]) for d in detections]) for kind in KINDS},
        "at_threshold": {"threshold": THRESHOLD, "precision": at_threshold.precision, "recall": at_threshold.recall,
                         "f1": at_threshold.f1, "flagged": at_threshold.flagged},
        "mean_score_normal": mean(normal_scores), "mean_score_anomalous": mean(anomalous_scores),
        "train_ms_per_server": train_ms, "train_ms_per_server_day": train_ms / days,
        "score_us_per_sample": scoring * 1e6 / samples, "score_us_single_sample": single_us,
    }
    with open(arguments.out, "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
    print(f"reference: F1 {report['f1']:.3f} ({min(f1s):.3f}–{max(f1s):.3f} over {arguments.seeds} seeds); training {train_ms:.1f} ms per server;"
          f" scoring {report['score_us_per_sample']:.2f} µs per sample in batches, {single_us:.0f} µs one at a time", file=sys.stderr)


def table(arguments):
    with open(arguments.ours) as handle:
        ours = json.load(handle)
    with open(arguments.reference) as handle:
        reference = json.load(handle)
    print(f"{ours['servers']} servers × {ours['days']} days, {ours['samples']} samples, {ours['anomalies']} planted anomalous "
          f"(contamination {ours['contamination']:.4f} for both); F1 the mean over {ours['runs']} forest seeds")
    print(f"reference: {reference['detector']}\n")
    rows = [
        ("precision", f"{ours['precision']:.3f}", f"{reference['precision']:.3f}", "", ""),
        ("recall", f"{ours['recall']:.3f}", f"{reference['recall']:.3f}", "", ""),
        ("F1 (pooled)", f"{ours['f1']:.3f} ({ours['f1_min']:.3f}–{ours['f1_max']:.3f})",
         f"{reference['f1']:.3f} ({reference['f1_min']:.3f}–{reference['f1_max']:.3f})",
         "≥ reference", met(ours["f1"] >= reference["f1"] - 0.0005)),
        ("F1 (mean per server)", f"{ours['per_server_f1']:.3f}", f"{reference['per_server_f1']:.3f}", "", ""),
    ]
    for kind in KINDS:
        rows.append((f"  recall, {kind}", f"{ours['recall_by_kind'][kind]:.3f}", f"{reference['recall_by_kind'][kind]:.3f}", "", ""))
    o, r = ours["at_threshold"], reference["at_threshold"]
    rows += [
        (f"score ≥ {o['threshold']}: P / R / F1", f"{o['precision']:.3f} / {o['recall']:.3f} / {o['f1']:.3f}",
         f"{r['precision']:.3f} / {r['recall']:.3f} / {r['f1']:.3f}", "", ""),
        (f"score ≥ {o['threshold']}: flagged", str(o["flagged"]), str(r["flagged"]), "", ""),
        ("mean score, normal / anomalous", f"{ours['mean_score_normal']:.3f} / {ours['mean_score_anomalous']:.3f}",
         f"{reference['mean_score_normal']:.3f} / {reference['mean_score_anomalous']:.3f}", "", ""),
        ("training, CPU ms per server", f"{ours['train_ms_per_server']:.2f}", f"{reference['train_ms_per_server']:.2f}", "", ""),
        ("training, CPU ms per server-day", f"{ours['train_ms_per_server_day']:.3f}", f"{reference['train_ms_per_server_day']:.3f}",
         "< 50", met(ours["train_ms_per_server_day"] < 50)),
        ("scoring, CPU µs per sample", f"{ours['score_us_per_sample']:.2f}", f"{reference['score_us_per_sample']:.2f} (batch)",
         "< 20", met(ours["score_us_per_sample"] < 20)),
        ("  forest alone / one at a time", f"{ours['forest_score_us_per_sample']:.2f}", f"{reference['score_us_single_sample']:.0f}", "", ""),
    ]
    headers = ("", "ours", "scikit-learn", "target", "met")
    widths = [max(len(str(row[column])) for row in rows + [headers]) for column in range(5)]
    for row in [headers] + rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def met(condition):
    return "yes" if condition else "NO"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("dataset")
    run_parser.add_argument("--seeds", type=int, default=10)
    run_parser.add_argument("--out", required=True)
    table_parser = commands.add_parser("table")
    table_parser.add_argument("ours")
    table_parser.add_argument("reference")
    arguments = parser.parse_args()
    (run if arguments.command == "run" else table)(arguments)


if __name__ == "__main__":
    main()

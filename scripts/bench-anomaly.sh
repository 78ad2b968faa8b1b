#!/usr/bin/env bash
# `make bench-anomaly` (docs/benchmarks.md): the anomaly detector against scikit-learn's
# IsolationForest on a labelled synthetic fleet. Benchmarks/AnomalyBenchmark (release build)
# generates 20 servers × 14 days of 15-minute samples with planted anomalies, writes them as
# CSV in the detector's features, scores them with ours and times it;
# scripts/bench/anomaly_reference.py does the same with scikit-learn on the same CSV; then a
# table: precision, recall and F1 at the same contamination, training and scoring times, the
# targets and whether each is met. A measurement: exits 0 whether or not the targets are met.
#
#   BENCH_SERVERS (20)  BENCH_DAYS (14)  BENCH_SEEDS (10: forest seeds averaged over)
#   BENCH_DATA_SEED (19: the fleet)  BENCH_ANOMALY_DIR (.build/bench-anomaly: the CSV and JSON)
#   BENCH_ANOMALY_BINARY (.build/release/AnomalyBenchmark)
#   BENCH_ANOMALY_VENV (.build-tools/bench-venv: scikit-learn, pinned in
#   scripts/bench/anomaly-requirements.txt, installed from PyPI once and again only when
#   that file changes)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
binary=${BENCH_ANOMALY_BINARY:-$root/.build/release/AnomalyBenchmark}
venv=${BENCH_ANOMALY_VENV:-$root/.build-tools/bench-venv}
requirements="$root/scripts/bench/anomaly-requirements.txt"
export BENCH_ANOMALY_DIR=${BENCH_ANOMALY_DIR:-$root/.build/bench-anomaly}
export BENCH_SEEDS=${BENCH_SEEDS:-10}

if [ ! -x "$binary" ]; then
    echo "no $binary: swift build -c release --product AnomalyBenchmark (make bench-anomaly does)" >&2
    exit 1
fi

python=python3
if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; fi
if ! { [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$venv/requirements.txt" &&
    "$venv/bin/python" -c 'import sklearn, numpy' 2>/dev/null; }; then
    echo "installing scikit-learn into $venv (once)"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    log=$(mktemp)
    if "$python" -m venv "$venv" >"$log" 2>&1 &&
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >>"$log" 2>&1; then
        cp "$requirements" "$venv/requirements.txt"
        rm -f "$log"
    else
        tail -n 20 "$log" >&2
        rm -f "$log"
        echo "could not make the benchmark's Python environment in $venv (python3-venv installed? PyPI reachable?)" >&2
        exit 1
    fi
fi

mkdir -p "$BENCH_ANOMALY_DIR"
rm -f "$BENCH_ANOMALY_DIR/ours.json" "$BENCH_ANOMALY_DIR/reference.json"
echo "== ours (Sources/DashboardCore/Anomaly) =="
"$binary"
echo
echo "== reference (scikit-learn) =="
"$venv/bin/python" "$root/scripts/bench/anomaly_reference.py" run "$BENCH_ANOMALY_DIR/dataset.csv" \
    --seeds "$BENCH_SEEDS" --out "$BENCH_ANOMALY_DIR/reference.json"
echo
echo "== bench-anomaly on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') =="
"$venv/bin/python" "$root/scripts/bench/anomaly_reference.py" table "$BENCH_ANOMALY_DIR/ours.json" "$BENCH_ANOMALY_DIR/reference.json"

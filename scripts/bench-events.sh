#!/usr/bin/env bash
# `make bench-events`: the api holding many open live event streams (GET /api/events).
# A benchmark, not a test: it prints figures and exits 0 whether or not the targets are
# met (non-zero only when it could not measure). Loopback only.
#
# Runs inside scripts/test-env.sh (which starts a throwaway PostgreSQL):
#   1. seeds BENCH_SERVERS servers × BENCH_DAYS days with the storage benchmark's seeder;
#   2. starts the api (BENCH_API) and waits until it serves from memory;
#   3. scripts/bench/events_load.py opens BENCH_STREAMS streams, records BENCH_EVENTS finished
#      runs of every server and times each run's event from its finished_at to its receipt
#      on the first and the last of the streams (the api's re-read of the fleet included);
#   4. the api's RSS with the streams open (before any other load), then wrk
#      (BENCH_DURATION s, BENCH_CONNECTIONS connections) on /api/servers/metrics/latest
#      while they stay open;
#   5. the load tool stops, the api sees the streams gone, and the same wrk run without them.
#
# Settings: BENCH_SERVERS (1000), BENCH_DAYS (1), BENCH_STREAMS (1000), BENCH_EVENTS (20),
#           BENCH_DURATION (10), BENCH_CONNECTIONS (64), BENCH_API (.build/release/api; a debug
#           build works too: BENCH_API=.build/debug/api), BENCH_SEEDER (.build/release/StorageBenchmark).
set -eu
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

api_binary=${BENCH_API:-.build/release/api}
seeder=${BENCH_SEEDER:-.build/release/StorageBenchmark}
streams=${BENCH_STREAMS:-1000}
events=${BENCH_EVENTS:-20}
duration=${BENCH_DURATION:-10}
connections=${BENCH_CONNECTIONS:-64}
for tool in wrk curl psql python3; do
    command -v "$tool" >/dev/null || { echo "bench-events needs $tool (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
for binary in "$api_binary" "$seeder"; do
    [ -x "$binary" ] || { echo "bench-events: $binary not found — build it first (make bench-events does)" >&2; exit 2; }
done
: "${SD_TEST_DATABASE_URL:?run through scripts/test-env.sh (make bench-events does)}"
# Every stream is a file descriptor in the api and in the load tool.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-events.XXXXXX")
api_pid=""
load_pid=""
cleanup() {
    if [ -n "$load_pid" ]; then kill "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
    if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== seeding ${BENCH_SERVERS:-1000} servers × ${BENCH_DAYS:-1} days"
BENCH_SERVERS=${BENCH_SERVERS:-1000} BENCH_DAYS=${BENCH_DAYS:-1} BENCH_SEED_ONLY=1 BENCH_DATABASE_URL_FILE="$work/database-url" "$seeder" >"$work/seed.log" 2>&1 ||
    { cat "$work/seed.log" >&2; exit 2; }
database_url=$(cat "$work/database-url" 2>/dev/null || true)
[ -n "$database_url" ] || { echo "the seeder wrote no database URL" >&2; exit 2; }

echo "== starting the api ($api_binary)"
api_port=$(free_port)
env -i PATH="$PATH" DATABASE_URL="$database_url" API_HOST=127.0.0.1 API_PORT="$api_port" EVENTS_MAX_CLIENTS=$((streams + 10)) \
    LOG_LEVEL=warning API_REQUEST_LOG_LEVEL=debug "$api_binary" --env-file /dev/null >"$work/api.log" 2>&1 &
api_pid=$!
api="http://127.0.0.1:$api_port"
for _ in $(seq 1 300); do
    if curl -fsS "$api/api/health" 2>/dev/null | grep -q '"cache":"live"'; then break; fi
    sleep 0.1
done
curl -fsS "$api/api/health" | grep -q '"cache":"live"' || { echo "the api did not come up serving from memory:"; cat "$work/api.log"; exit 2; } >&2
curl -fsS "$api/api/servers/metrics/latest" >/dev/null
sleep 1
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$api_pid/status"; }
idle_rss=$(rss)

# wrk_rps LABEL: one wrk run on the latest metrics; prints a line and the requests/s.
wrk_rps() {
    local out rps p99
    out=$(wrk -t 2 -c "$connections" -d "${duration}s" --latency "$api/api/servers/metrics/latest")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    printf '%-44s %4s conns %11s req/s  p99 %9s\n' "$1" "$connections" "$rps" "$p99" >&2
    echo "$rps"
}

echo "== $streams streams, $events finished runs"
DATABASE_URL="$database_url" python3 scripts/bench/events_load.py --port "$api_port" --streams "$streams" --events "$events" \
    --results "$work/results.json" >"$work/load.out" 2>"$work/load.err" &
load_pid=$!
for _ in $(seq 1 $((events * 40 + 600))); do
    grep -q HOLDING "$work/load.out" 2>/dev/null && break
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.25
done
grep -q HOLDING "$work/load.out" 2>/dev/null || { echo "the load tool could not measure:"; cat "$work/load.err"; tail -20 "$work/api.log"; exit 2; } >&2
streams_rss=$(rss)
open=$(curl -fsS "$api/metrics" | awk '$1 == "server_dashboard_event_streams" { print $2 }')

echo "== /api/servers/metrics/latest with $streams streams open ($duration s)"
rps_streams=$(wrk_rps "latest metrics, $streams streams open")
load_rss=$(rss)

# The load tool closes its sockets; the api notices each at its next write (a heartbeat, within 15 s).
kill "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true
load_pid=""
for _ in $(seq 1 100); do
    [ "$(curl -fsS "$api/metrics" | awk '$1 == "server_dashboard_event_streams" { print $2 }')" = 0 ] && break
    sleep 0.25
done
echo "== /api/servers/metrics/latest without streams ($duration s)"
rps_idle=$(wrk_rps "latest metrics, no stream open")

figure() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$work/results.json" "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
echo
echo "== figures"
echo "streams open (server_dashboard_event_streams): $open"
echo "one event to all $streams streams, finished_at -> last receipt: p50 $(figure all_streams_p50_ms) ms, p99 $(figure all_streams_p99_ms) ms (target p99 < 100 ms)"
echo "  of which finished_at -> first receipt (the api re-reads the fleet, then publishes): p50 $(figure first_receipt_p50_ms) ms;"
echo "  first -> last receipt (the fan-out, this one-process load tool's reading included): p50 $(figure fan_out_p50_ms) ms, p99 $(figure fan_out_p99_ms) ms"
echo "every single delivery p99: $(figure each_delivery_p99_ms) ms; missed deliveries: $(figure missed_deliveries); streams closed early: $(figure closed_streams)"
echo "api RSS: idle ${idle_rss} MB, $streams streams open ${streams_rss} MB (target < 60), under wrk with them ${load_rss} MB"
echo "latest metrics: ${rps_idle} req/s without streams, ${rps_streams} req/s with $streams open ($(ratio "$rps_streams" "$rps_idle")x)"

#!/usr/bin/env bash
# `make bench-api`: the api under load at fleet scale, against nginx serving the same
# bytes. It is a benchmark, not a test: it prints figures and exits 0 whether or not
# the targets are met (non-zero only when it could not measure). Loopback only.
#
# Runs inside scripts/test-env.sh (which starts a throwaway PostgreSQL):
#   1. seeds 1,000 servers × 90 days at 15-minute intervals (8.6 M samples) plus users
#      and filesystems with the storage benchmark's seeder (BENCH_SEED_ONLY=1, which writes
#      the database URL to a file rather than printing its password);
#   2. starts the release `api` on it and waits until it serves from memory;
#   3. saves the exact bytes of /api/servers/metrics/latest (and a gzip copy) and serves
#      them from nginx as a static file (gzip_static for the compressed one);
#   4. wrk (BENCH_DURATION s, BENCH_CONNECTIONS connections, 2 threads) on: nginx's
#      static file, the api's latest metrics, both with Accept-Encoding: gzip, the
#      overview, a 24 h and a 90-day history of one server (the histories also at one
#      connection, for their latency alone), each once the api has finished the last one's
#      requests;
#   5. the api's RSS idle and its peak under load.
#
# Settings: BENCH_SERVERS (1000), BENCH_DAYS (90), BENCH_DURATION (10), BENCH_CONNECTIONS (64),
#           BENCH_API (.build/release/api), BENCH_SEEDER (.build/release/StorageBenchmark),
#           BENCH_DATABASE_URL_FILE (unset: seed; set: a file holding the URL of a database the
#           seeder filled before — step 1 is skipped, to iterate on the api without re-seeding)
set -eu

# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

api_binary=${BENCH_API:-.build/release/api}
seeder=${BENCH_SEEDER:-.build/release/StorageBenchmark}
duration=${BENCH_DURATION:-10}
connections=${BENCH_CONNECTIONS:-64}
for tool in wrk nginx curl gzip; do
    command -v "$tool" >/dev/null || { echo "bench-api needs $tool (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
reuse_url_file=${BENCH_DATABASE_URL_FILE:-}
if [ -z "$reuse_url_file" ]; then
    : "${SD_TEST_DATABASE_URL:?run through scripts/test-env.sh (make bench-api does)}"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-api.XXXXXX")
chmod 755 "$work"
api_pid=""
nginx_pid=""
sampler_pid=""
cleanup() {
    if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; fi
    if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
    if [ -n "$nginx_pid" ]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ -n "$reuse_url_file" ]; then
    echo "== reusing the database in $reuse_url_file"
    database_url=$(cat "$reuse_url_file" 2>/dev/null || true)
else
    echo "== seeding"
    BENCH_SEED_ONLY=1 BENCH_DATABASE_URL_FILE="$work/database-url" "$seeder"
    database_url=$(cat "$work/database-url" 2>/dev/null || true)
fi
[ -n "$database_url" ] || { echo "the seeder wrote no database URL" >&2; exit 2; }

echo "== starting the api"
api_port=$(free_port)
env -i PATH="$PATH" DATABASE_URL="$database_url" API_HOST=127.0.0.1 API_PORT="$api_port" \
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

echo "== nginx with the same bytes"
mkdir -p "$work/static" "$work/nginx/tmp"
curl -fsS "$api/api/servers/metrics/latest" -o "$work/static/latest.json"
curl -fsS -H 'Accept-Encoding: gzip' "$api/api/servers/metrics/latest" -o "$work/static/latest.json.gz"
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/static;
        location / { default_type application/json; gzip_static on; }
    }
}
CONF
nginx -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$nginx_port/latest.json" >/dev/null 2>&1 && break; sleep 0.1; done

# Peak RSS of the api while the load runs.
( peak=0; while kill -0 "$api_pid" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$work/peak"; sleep 0.2; done ) &
sampler_pid=$!

server=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[len(json.load(open(sys.argv[1])))//2]["server_name"])' "$work/static/latest.json")
now=$(date -u +%s)
from90=$(date -u -d "@$((now - 90 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
from24=$(date -u -d "@$((now - 86400))" +%Y-%m-%dT%H:%M:%SZ)

results="$work/results"
: >"$results"
# The api's CPU time so far, in clock ticks.
api_cpu() { awk '{ print $14 + $15 }' "/proc/$api_pid/stat"; }
# Waits (30 s at most) until the api has finished the requests a previous run left in
# flight: wrk closes its connections when its time is up, but the api still answers what
# it accepted (a 90-day history at 64 connections leaves seconds of work), and a run
# started then would measure that backlog, not its own requests.
settle() {
    local before after
    for _ in $(seq 60); do
        before=$(api_cpu)
        sleep 0.5
        after=$(api_cpu)
        [ $((after - before)) -gt 2 ] || return 0
    done
}
# run KEY LABEL CONNECTIONS URL [HEADER]: one wrk run, once the api is idle; prints a line
# and records "KEY requests/s p99" in $results.
run() {
    local key=$1 label=$2 conns=$3 url=$4 header=${5:-}
    local out threads=2
    settle
    if [ "$conns" -lt 2 ]; then threads=1; fi
    if [ -n "$header" ]; then
        out=$(wrk -t "$threads" -c "$conns" -d "${duration}s" --latency -H "$header" "$url")
    else
        out=$(wrk -t "$threads" -c "$conns" -d "${duration}s" --latency "$url")
    fi
    local rps p50 p99 errors
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/' | tr '\n' ' ')
    printf '%-40s %4s conns %11s req/s  p50 %9s  p99 %9s  %s\n' "$label" "$conns" "$rps" "$p50" "$p99" "$errors"
    echo "$key $rps $p99" >>"$results"
}
field() { awk -v key="$1" -v column="$2" '$1 == key { print $column }' "$results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }

echo "== load ($duration s each)"
run nginx "nginx static latest.json" "$connections" "http://127.0.0.1:$nginx_port/latest.json"
run latest "api /api/servers/metrics/latest" "$connections" "$api/api/servers/metrics/latest"
run nginx-gzip "nginx gzip_static latest.json" "$connections" "http://127.0.0.1:$nginx_port/latest.json" "Accept-Encoding: gzip"
run latest-gzip "api latest, Accept-Encoding: gzip" "$connections" "$api/api/servers/metrics/latest" "Accept-Encoding: gzip"
run overview "api /api/system/overview" "$connections" "$api/api/system/overview"
run day "api history 24 h, 5-min buckets" "$connections" "$api/api/servers/$server/metrics/history?from=$from24&step=300"
run day-1 "api history 24 h, 5-min buckets" 1 "$api/api/servers/$server/metrics/history?from=$from24&step=300"
run quarter "api history 90 days, 1-h buckets" "$connections" "$api/api/servers/$server/metrics/history?from=$from90&step=3600"
run quarter-1 "api history 90 days, 1-h buckets" 1 "$api/api/servers/$server/metrics/history?from=$from90&step=3600"
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""
peak_rss=$(cat "$work/peak" 2>/dev/null || echo "?")

echo
echo "== figures"
echo "latest-metrics body: $(stat -c %s "$work/static/latest.json") bytes, gzip $(stat -c %s "$work/static/latest.json.gz") bytes"
echo "api latest / nginx static file:        $(ratio "$(field latest 2)" "$(field nginx 2)")x  (target >= 0.9x)"
echo "api latest gzip / nginx gzip_static:   $(ratio "$(field latest-gzip 2)" "$(field nginx-gzip 2)")x  (target >= 0.6x)"
echo "90-day history p99, one connection:    $(field quarter-1 3)  (target < 20 ms)"
echo "api RSS: idle ${idle_rss} MB (target < 40), peak under load ${peak_rss} MB (target < 60)"

#!/usr/bin/env bash
# `make bench-pages`: the dashboard page at fleet scale. A benchmark, not a test: it
# prints figures and exits 0 whether or not the targets are met (non-zero only when it
# could not measure). Loopback only.
#
# Runs inside scripts/test-env.sh (which starts a throwaway PostgreSQL). For 100 and
# then 1,000 servers (BENCH_PAGE_SERVERS):
#   1. seeds the servers with a day of samples at 15-minute intervals, each latest sample
#      with three filesystems and ten users (the storage benchmark's seeder,
#      BENCH_SEED_ONLY=1), and tags most of them (a rack tag and web or db; every seventh none);
#   2. starts the release `api` on it, and the release `frontend-renderer` on the api;
#   3. scripts/bench/pages.py measures the dashboard: the renderer's own render time
#      from its Server-Timing header, the page weight (HTML + CSS + JS, plain and
#      gzip'd), and the time until drawn in Debian's headless Chromium.
# The dashboard shows cards up to DASHBOARD_CARD_LIMIT (BENCH_CARD_LIMIT, 200) servers and
# its compact view above. Targets (issue 17), ratios measured in the same run:
#   100 servers, card wall: first contentful paint ≤ 1.5× the same frame with one paragraph,
#     render < 10 ms, < 100 KB;
#   1,000 servers, compact view: first contentful paint ≤ 1.5× that frame, < 60 KB gzip'd,
#     render < 15 ms.
#
# Settings: BENCH_PAGE_SERVERS ("100 1000"), BENCH_RENDERS (200), BENCH_LOADS (9), BENCH_CARD_LIMIT (200),
#           BENCH_API, BENCH_RENDERER, BENCH_SEEDER (the release builds).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/common.sh
. "$root/scripts/lib/common.sh"
cd "$root"
api_binary=${BENCH_API:-.build/release/api}
renderer_binary=${BENCH_RENDERER:-.build/release/frontend-renderer}
seeder=${BENCH_SEEDER:-.build/release/StorageBenchmark}
for tool in chromium chromedriver python3 curl psql; do
    command -v "$tool" >/dev/null || { echo "bench-pages needs $tool (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
for binary in "$api_binary" "$renderer_binary" "$seeder"; do
    [ -x "$binary" ] || { echo "$binary is missing (make bench-pages builds it)" >&2; exit 2; }
done
: "${SD_TEST_DATABASE_URL:?run through scripts/test-env.sh (make bench-pages does)}"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-pages.XXXXXX")
api_pid=""
renderer_pid=""
stop() {
    if [ -n "$renderer_pid" ]; then kill "$renderer_pid" 2>/dev/null || true; wait "$renderer_pid" 2>/dev/null || true; fi
    if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
    renderer_pid=""
    api_pid=""
}
cleanup() {
    stop
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$root/scripts/browser-venv.sh"
venv=${SD_BROWSER_VENV:-$root/.build-tools/venv}

for servers in ${BENCH_PAGE_SERVERS:-100 1000}; do
    echo
    echo "== $servers servers: seeding"
    BENCH_SEED_ONLY=1 BENCH_SERVERS="$servers" BENCH_DAYS=1 BENCH_DATABASE_URL_FILE="$work/database-url" "$seeder" >"$work/seed.log"
    database_url=$(cat "$work/database-url" 2>/dev/null || true)
    [ -n "$database_url" ] || { cat "$work/seed.log"; echo "the seeder wrote no database URL" >&2; exit 2; }
    psql -q -v ON_ERROR_STOP=1 "$database_url" -c \
        "UPDATE servers SET tags = ARRAY['rack-' || (id % 10), CASE WHEN id % 3 = 0 THEN 'db' ELSE 'web' END] WHERE id % 7 <> 0" >/dev/null

    api_port=$(free_port)
    env -i PATH="$PATH" DATABASE_URL="$database_url" API_HOST=127.0.0.1 API_PORT="$api_port" LOG_LEVEL=warning \
        "$api_binary" --env-file /dev/null >"$work/api.log" 2>&1 &
    api_pid=$!
    api="http://127.0.0.1:$api_port"
    for _ in $(seq 1 300); do
        if curl -fsS "$api/api/health" 2>/dev/null | grep -q '"status":"healthy"'; then break; fi
        sleep 0.1
    done
    health=$(curl -fsS "$api/api/health") || { cat "$work/api.log"; echo "the api did not come up" >&2; exit 2; }
    # "live": the api serves the fleet from memory; "bypassed": from PostgreSQL on each
    # request. Only the api wait depends on it, not the renderer's own time.
    echo "api: $health"

    renderer_port=$(free_port)
    env -i PATH="$PATH" FRONTEND_HOST=127.0.0.1 FRONTEND_PORT="$renderer_port" API_URL="$api" LOG_LEVEL=warning \
        DASHBOARD_CARD_LIMIT="${BENCH_CARD_LIMIT:-200}" \
        "$renderer_binary" --env-file /dev/null >"$work/renderer.log" 2>&1 &
    renderer_pid=$!
    for _ in $(seq 1 100); do
        curl -fsS "http://127.0.0.1:$renderer_port/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done

    echo "== $servers servers: the dashboard"
    "$venv/bin/python" -u scripts/bench/pages.py "http://127.0.0.1:$renderer_port" "$servers" \
        --renders "${BENCH_RENDERS:-200}" --loads "${BENCH_LOADS:-9}" --card-limit "${BENCH_CARD_LIMIT:-200}"
    stop
done

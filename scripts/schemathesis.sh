#!/usr/bin/env bash
# Fuzzes the running api against its own OpenAPI document with schemathesis:
# every documented operation gets generated valid and invalid parameters, and every
# answer must be no 5xx, a documented status, the documented media type and match the
# documented schema. Exits non-zero on any finding.
#
#   scripts/test-env.sh scripts/schemathesis.sh      (needs SD_TEST_DATABASE_URL)
#
# Uses the built binaries (.build/debug/api and .build/debug/collector, or $API_BINARY
# and $COLLECTOR_BINARY), a database of its own on the test cluster, filled with real
# samples of this machine by `collector run --once` (plus a server that refuses, for
# failures and alerts), and a pinned schemathesis in .build-tools/schemathesis-venv.
#
#   SD_SCHEMATHESIS_EXAMPLES  test cases per operation and phase (default 150)
#   SD_SCHEMATHESIS_SEED      the generator's seed (default fixed, so CI is repeatable)
#   SD_SCHEMATHESIS_CHECKS    comma-separated checks (default: the ones below; `all` explores)
set -eu

schemathesis_version=4.32.5

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

api_binary=${API_BINARY:-.build/debug/api}
collector_binary=${COLLECTOR_BINARY:-.build/debug/collector}
examples=${SD_SCHEMATHESIS_EXAMPLES:-150}
seed=${SD_SCHEMATHESIS_SEED:-20260131}
# No 5xx; only documented statuses, media types, headers and bodies; invalid input refused.
checks=${SD_SCHEMATHESIS_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection}

: "${SD_TEST_DATABASE_URL:?SD_TEST_DATABASE_URL is not set: run through scripts/test-env.sh, which starts PostgreSQL}"
for binary in "$api_binary" "$collector_binary"; do
    [ -x "$binary" ] || { echo "schemathesis: $binary not found — run 'swift build' first" >&2; exit 1; }
done

# A pinned schemathesis in a virtual environment of its own (not the browser test's, which
# scripts/browser-venv.sh remakes whenever its requirements change), made afresh from
# Debian's python3 when present: `python3 -m venv` over an existing environment made by
# another Python leaves a mix whose ssl module does not load.
venv=.build-tools/schemathesis-venv
python=python3
if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; fi
if [ ! -x "$venv/bin/schemathesis" ] || [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $schemathesis_version" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sd-schemathesis.XXXXXX")
database="sd_schemathesis_$(date +%s)_$$"
database_url="${SD_TEST_DATABASE_URL%/*}/$database"
api_pid=

cleanup() {
    status=$?
    if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
        kill -TERM "$api_pid" 2>/dev/null || true
        wait "$api_pid" 2>/dev/null || true
    fi
    if [ "$status" != 0 ] && [ -f "$work/api.log" ]; then
        echo "--- last lines of the api's log" >&2
        tail -n 30 "$work/api.log" >&2
    fi
    psql -X -q "$SD_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT INT TERM

psql -X -q -v ON_ERROR_STOP=1 "$SD_TEST_DATABASE_URL" -c "CREATE DATABASE $database" >/dev/null

unused_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
port=$(unused_port)
refused_port=$(unused_port)
: > "$work/empty.env"
: > "$work/known_hosts"

# The api, with an empty env file so a developer's ./.env cannot change what is tested.
env DATABASE_URL="$database_url" API_HOST=127.0.0.1 API_PORT="$port" DATABASE_POOL_SIZE=4 LOG_LEVEL=warning \
    "$api_binary" --env-file "$work/empty.env" >"$work/api.log" 2>&1 &
api_pid=$!
base="http://127.0.0.1:$port"

# Ready when healthy and the schema is migrated (until then data routes answer 503).
ready=
for _ in $(seq 1 120); do
    if ! kill -0 "$api_pid" 2>/dev/null; then
        echo "schemathesis: the api exited at start" >&2
        exit 1
    fi
    if curl -fs -o /dev/null "$base/api/health" && curl -fs -o /dev/null "$base/api/servers"; then
        ready=1
        break
    fi
    sleep 0.5
done
[ -n "$ready" ] || { echo "schemathesis: the api did not become ready on $base within 60 s" >&2; exit 1; }

# Real data: two samples of this machine (so there are rates and history), and a server
# that refuses connections (a failure, an offline alert). The collector exits 1 because
# of that server; anything else is an error.
for _ in 1 2; do
    status=0
    env DATABASE_URL="$database_url" LOG_LEVEL=warning KNOWN_HOSTS_FILE="$work/known_hosts" \
        SERVER1_NAME=local SERVER1_HOST=local SERVER1_TAGS=schemathesis \
        SERVER2_NAME="refusing host" SERVER2_HOST=127.0.0.1 SERVER2_PORT="$refused_port" \
        SERVER2_USERNAME=monitor SERVER2_PASSWORD=unused COLLECT_ATTEMPTS=1 \
        "$collector_binary" run --once --env-file "$work/empty.env" >"$work/collector.log" 2>&1 || status=$?
    if [ "$status" != 0 ] && [ "$status" != 1 ]; then
        cat "$work/collector.log" >&2
        echo "schemathesis: collector run --once failed ($status)" >&2
        exit 1
    fi
    sleep 1
done
curl -fsS "$base/api/servers/local/status" >/dev/null \
    || { cat "$work/collector.log" >&2; echo "schemathesis: the collector stored no sample of this machine" >&2; exit 1; }

# Every documented route must exist: one that answers "no such endpoint" (the api's 404 for
# an unknown route) is a finding, not something to leave out of the run.
missing=$("$venv/bin/python" - "$base" <<'PY'
import json, re, sys, urllib.error, urllib.request
base = sys.argv[1]
document = json.load(urllib.request.urlopen(base + "/api/openapi.json"))
examples = {"server_name": "local", "hours": "1", "run_id": "1"}
for path in document["paths"]:
    try:
        urllib.request.urlopen(base + re.sub(r"\{(\w+)\}", lambda m: examples.get(m.group(1), "1"), path)).close()
    except urllib.error.HTTPError as error:
        if error.code == 404 and json.load(error).get("error", "").startswith("no such endpoint"):
            print(path)
PY
)
if [ -n "$missing" ]; then
    echo "schemathesis: routes documented in openapi.json that the api does not serve (404 \"no such endpoint\"):" >&2
    while IFS= read -r path; do echo "  $path" >&2; done <<<"$missing"
    exit 1
fi

# The live event stream never ends, so schemathesis (which reads whole bodies) leaves it out;
# its head is checked here, within a bounded read: 200, text/event-stream, the retry line.
events_head=$(curl -sS -N --max-time 2 -D - "$base/api/events" 2>/dev/null | tr '[:upper:]' '[:lower:]' || true)
case "$events_head" in
    "http/1.1 200"*"text/event-stream"*"retry: 3000"*) ;;
    *) echo "schemathesis: /api/events did not start an event stream: $(printf '%s' "$events_head" | head -c 300)" >&2; exit 1 ;;
esac

echo "schemathesis $schemathesis_version against $base (seed $seed, $examples examples per operation and phase)"
# Run from .build-tools so its example database and replay files stay out of the tree.
cd .build-tools
timeout 600 schemathesis-venv/bin/schemathesis run "$base/api/openapi.json" \
    --checks "$checks" \
    --exclude-path /api/events \
    --phases examples,coverage,fuzzing \
    --max-examples "$examples" \
    --seed "$seed" \
    --workers 2 \
    --request-timeout 20 \
    --no-color

#!/usr/bin/env bash
# End-to-end test of the native stack (`make run`), through nginx, as a user sees it.
# Runs inside scripts/test-env.sh (it needs the sshd test hosts: SD_TEST_SSH_*):
#
#   scripts/test-env.sh scripts/e2e-native.sh        (scripts/run-tests.sh runs it after the
#                                                     swift tests; SD_SKIP_E2E=1 skips it)
#
# It starts the stack with the same deploy/local scripts `make run` uses, in a state folder
# of its own and on free ports of its own, with an inventory of this machine, three sshd
# test hosts (ed25519 and passphrase-protected ECDSA keys, HOST_KEY_POLICY=strict) and a hostile
# one (scripts/hostile-host.sh, checked by scripts/e2e-hostile.py), waits
# for the first collection, then checks through nginx: the API's shapes, the pages, the
# security headers (pages, API answers, error answers), gzip, /nginx-health, `promtool check
# metrics` on the live /metrics; the schedule's daily retention step (deploy/local/retention.sh, run as
# scheduler.sh runs it) and its record in run-db-stats; basic auth when enabled; the friendly page when the frontend-renderer is down and the JSON error
# when the api is down; and finally that `stop` leaves no process and no port behind.
#
# Binaries: E2E_BIN_DIR [.build/debug] (built by `make test` before this runs).
# SD_E2E_KEEP=1 keeps the state folder (logs) after the run.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/common.sh
. "$root/scripts/lib/common.sh"
bin_dir=${E2E_BIN_DIR:-$root/.build/debug}
: "${SD_TEST_SSH_KNOWN_HOSTS:?SD_TEST_SSH_* not set: run through scripts/test-env.sh, which starts the sshd test hosts}"
for program in collector api frontend-renderer; do
    [ -x "$bin_dir/$program" ] || { echo "e2e-native: $bin_dir/$program not found — build first (swift build) or set E2E_BIN_DIR" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sd-e2e-native.XXXXXX")
chmod 755 "$work"
failures=0
started_at=$(date +%s)

# The inventory and settings: nothing else from the environment may leak in.
scrub_inventory_environment
export RUN_DIR=$work/run RUN_ENV_FILE=$work/settings.env RUN_BIN_DIR=$bin_dir RUN_SKIP_DEPS=1 RUN_SKIP_BUILD=1
HTTP_PORT=$(free_port)
API_PORT=$(free_port)
FRONTEND_PORT=$(free_port)
RUN_POSTGRES_PORT=$(free_port)
export HTTP_PORT API_PORT FRONTEND_PORT RUN_POSTGRES_PORT NGINX_LISTEN_ADDRESS=127.0.0.1
read -r -a hosts <<<"$SD_TEST_SSH_HOSTS"
[ "${#hosts[@]}" -ge 3 ] || fatal "need 3 sshd test hosts, SD_TEST_SSH_HOSTS has ${#hosts[@]}"
passphrase=$(cat "$SD_TEST_SSH_PASSPHRASE_FILE")
names=(e2e-local e2e-ssh-ed25519 e2e-ssh-ecdsa "e2e ssh gap")

# The hostile host (scripts/hostile-host.sh): names made of HTML, SQL, CSV formulas, ANSI
# escapes and bidi controls, checked by scripts/e2e-hostile.py. SD_SKIP_HOSTILE=1 leaves it out.
hostile_dir=""
cp "$SD_TEST_SSH_KNOWN_HOSTS" "$work/known_hosts"
if [ "${SD_SKIP_HOSTILE:-0}" = 1 ]; then
    echo "SKIPPED: the hostile-input trip (SD_SKIP_HOSTILE=1)"
else
    hostile_port=$(free_port)
    if "$root/scripts/hostile-host.sh" start "$work/hostile" 127.0.0.240 "$hostile_port" >"$work/hostile.out" 2>&1; then
        hostile_dir=$work/hostile
        cat "$hostile_dir/known_hosts" >>"$work/known_hosts"
        names+=(e2e-hostile)
    else
        cat "$work/hostile.out" >&2
        fatal "the hostile test host did not start (it needs root, unshare and a loop device; SD_SKIP_HOSTILE=1 skips it)"
    fi
fi
# A loopback webhook receiver (Tests/NotifyReceivers/http_receiver.py): e2e-local's disk
# thresholds of 0.5/1 % open a critical disk alert, which the scheduled collection tells it.
receiver_port=$(free_port)
/usr/bin/python3 "$root/Tests/NotifyReceivers/http_receiver.py" "$receiver_port" >"$work/receiver.out" 2>&1 &
receiver_pid=$!
cat >"$RUN_ENV_FILE" <<ENV
NOTIFY_URLS=http://127.0.0.1:$receiver_port/e2e-hook
SERVER1_THRESHOLD_DISK_WARNING=0.5
SERVER1_THRESHOLD_DISK_CRITICAL=1
# scripts/e2e-native.sh: this machine and three sshd test hosts (SERVER4 left out: gaps are allowed)
SERVER1_NAME=${names[0]}
SERVER1_HOST=local
SERVER2_NAME=${names[1]}
SERVER2_HOST=${hosts[0]}
SERVER2_PORT=$SD_TEST_SSH_PORT
SERVER2_USERNAME=$SD_TEST_SSH_USER
SERVER2_KEY_FILE=$SD_TEST_SSH_KEY_ED25519
SERVER3_NAME=${names[2]}
SERVER3_HOST=${hosts[1]}
SERVER3_PORT=$SD_TEST_SSH_PORT
SERVER3_USERNAME=$SD_TEST_SSH_USER
SERVER3_KEY_FILE=$SD_TEST_SSH_KEY_ECDSA
SERVER3_KEY_PASSPHRASE=$passphrase
SERVER5_NAME="${names[3]}"
SERVER5_HOST=${hosts[2]}
SERVER5_PORT=$SD_TEST_SSH_PORT
SERVER5_USERNAME=$SD_TEST_SSH_USER
SERVER5_KEY_FILE=$SD_TEST_SSH_KEY_ED25519
KNOWN_HOSTS_FILE=$work/known_hosts
HOST_KEY_POLICY=strict
COLLECTION_INTERVAL_MINUTES=15
REFRESH_INTERVAL_SECONDS=30
ENV
if [ -n "$hostile_dir" ]; then
    cat >>"$RUN_ENV_FILE" <<ENV
SERVER6_NAME=e2e-hostile
SERVER6_HOST=127.0.0.240
SERVER6_PORT=$hostile_port
SERVER6_USERNAME=$SD_TEST_SSH_USER
SERVER6_KEY_FILE=$SD_TEST_SSH_KEY_ED25519
ENV
fi
chmod 600 "$RUN_ENV_FILE"

sessions=()
finish() {
    local status=$?
    if [ -d "$RUN_DIR/pids" ] && [ -n "$(ls -A "$RUN_DIR/pids" 2>/dev/null)" ] || [ -f "$RUN_DIR/postgres/data/postmaster.pid" ]; then
        "$root/deploy/local/stop.sh" >/dev/null 2>&1 || true
    fi
    if [ -n "$hostile_dir" ]; then "$root/scripts/hostile-host.sh" stop "$hostile_dir" || true; fi
    kill "$receiver_pid" 2>/dev/null || true
    # The services' logs stay with the run's artefacts, for the secret scan (run-tests.sh).
    if [ -n "${SD_TEST_ARTIFACTS:-}" ] && [ -d "$RUN_DIR/logs" ]; then
        mkdir -p "$SD_TEST_ARTIFACTS/e2e-native"
        cp -r "$RUN_DIR/logs" "$work"/*.out "$SD_TEST_ARTIFACTS/e2e-native/" 2>/dev/null || true
    fi
    if [ "$status" != 0 ] || [ "$failures" != 0 ]; then
        for log in "$RUN_DIR"/logs/*.log; do
            [ -s "$log" ] || continue
            printf '\n--- last lines of %s\n' "$log" >&2
            tail -n 15 "$log" >&2
        done
        printf '\ne2e-native: FAILED (%s failed checks, exit %s)%s\n' "$failures" "$status" \
            "$([ "${SD_E2E_KEEP:-0}" = 1 ] && echo "; state kept in $work")" >&2
        [ "$status" != 0 ] || status=1
    else
        printf 'e2e-native: all checks passed in %s s\n' "$(($(date +%s) - started_at))"
    fi
    [ "${SD_E2E_KEEP:-0}" = 1 ] || rm -rf "$work"
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

base=http://127.0.0.1:$HTTP_PORT
auth=()

# fetch PATH [curl options…]: sets $code, and the files $work/headers and $work/body.
fetch() {
    local path=$1
    shift
    code=$(curl -sS --max-time 20 "${auth[@]}" -D "$work/headers" -o "$work/body" -w '%{http_code}' "$@" "$base$path" || echo 000)
    if [ -n "${SD_TEST_RESPONSE_LOG:-}" ]; then
        { printf '=== GET %s → %s\n' "$path" "$code"; cat "$work/headers" "$work/body"; printf '\n'; } >>"$SD_TEST_RESPONSE_LOG" 2>/dev/null || true
    fi
}

# Like fetch, for the endless event stream (GET /api/events): read for 2 s, then hang up.
# curl then exits 28 (time-out) after printing the status it received, which is the answer.
fetch_stream() {
    local path=$1
    code=$(curl -sS -N --max-time 2 "${auth[@]}" -D "$work/headers" -o "$work/body" -w '%{http_code}' "$base$path" 2>/dev/null || true)
    [ -n "$code" ] || code=000
}

# The value of response header $1 from the last fetch (case-insensitive name).
header() {
    tr -d '\r' <"$work/headers" | awk -v name="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" -F': ' \
        'tolower($1) == name { sub(/^[^:]*: /, ""); print; exit }'
}

expect_code() {
    local want=$1 what=$2
    if [ "$code" = "$want" ]; then ok "$what: $code"; else fail "$what: expected status $want, got $code (body: $(head -c 300 "$work/body"))"; fi
}

expect_header() {
    local name=$1 pattern=$2 what=$3 value
    value=$(header "$name")
    # shellcheck disable=SC2053 # $pattern is a glob on purpose
    if [[ $value == $pattern ]]; then ok "$what: $name"; else fail "$what: header $name expected to match '$pattern', got '${value:-<missing>}'"; fi
}

# The security headers nginx adds (docs/operations.md, "Security") on the last answer.
expect_security_headers() {
    local what=$1 csp script_src
    csp=$(header Content-Security-Policy)
    if [ -z "$csp" ]; then
        fail "$what: no Content-Security-Policy"
    else
        script_src=$(printf '%s' "$csp" | tr ';' '\n' | grep -E '^[[:space:]]*(script-src|default-src)' || true)
        if [[ $script_src == *unsafe-inline* ]]; then fail "$what: CSP allows inline scripts: $csp"; fi
        if [[ $csp == *"frame-ancestors 'none'"* ]]; then ok "$what: CSP (no inline scripts, frame-ancestors)"; else fail "$what: CSP without frame-ancestors 'none': $csp"; fi
    fi
    expect_header X-Content-Type-Options nosniff "$what"
    expect_header Referrer-Policy '?*' "$what"
}

# Runs python3 on the last body with check $1 (python code with `doc` the parsed JSON);
# the check prints a problem and exits 1 when it does not hold.
expect_json() {
    local what=$1 check=$2 problem
    if problem=$(python3 -c "
import json, sys
doc = json.load(open(sys.argv[1], encoding='utf-8'))
names = sys.argv[2:]
def bad(message):
    print(message); sys.exit(1)
$check
" "$work/body" "${names[@]}" 2>&1); then
        ok "$what"
    else
        fail "$what: $problem"
    fi
}

# --- start -----------------------------------------------------------------------------
echo "e2e-native: state in $RUN_DIR; nginx on $HTTP_PORT, api $API_PORT, frontend $FRONTEND_PORT, postgres $RUN_POSTGRES_PORT"
if "$root/deploy/local/run.sh" >"$work/run.out" 2>&1; then
    ok "run.sh started the stack"
else
    cat "$work/run.out" >&2
    fatal "run.sh failed"
fi
if grep -q "first collection done: " "$work/run.out" && grep -q "running: http://localhost:$HTTP_PORT" "$work/run.out"; then
    ok "run.sh waited for the first collection and printed the URL"
else
    fail "run.sh output lacks the first collection's result or the URL:"
    cat "$work/run.out" >&2
fi
for service in api frontend-renderer nginx scheduler; do
    [ -s "$RUN_DIR/pids/$service.pid" ] || fail "no pid file for $service"
    read -r pid _ <"$RUN_DIR/pids/$service.pid"
    sessions+=("$pid")
done
if [ -s "$RUN_DIR/env" ] && [ "$(stat -c %a "$RUN_DIR/env")" = 600 ] && [ "$(stat -c %a "$RUN_DIR/db-password")" = 600 ]; then
    ok "RUN_DIR/env and db-password are mode 600"
else
    fail "RUN_DIR/env or db-password is missing or not mode 600"
fi
password=$(cat "$RUN_DIR/db-password")
if [ -n "${SD_TEST_SECRETS_FILE:-}" ]; then printf '%s\n' "$password" "$passphrase" >>"$SD_TEST_SECRETS_FILE"; fi
if grep -rqF "$password" "$work/run.out" "$RUN_DIR/logs" 2>/dev/null; then fail "the database password appears in the output or a log"; else ok "the database password is in no output or log"; fi

"$root/deploy/local/run.sh" >"$work/run2.out" 2>&1 || fail "a second run.sh failed: $(cat "$work/run2.out")"
if grep -q "already running" "$work/run2.out"; then ok "a second run.sh says it is already running"; else fail "a second run.sh did not say 'already running': $(cat "$work/run2.out")"; fi

# --- notifications: the first collection told the receiver, and the api lists the delivery ---
code=$(curl -sS --max-time 5 -o "$work/body" -w '%{http_code}' "http://127.0.0.1:$receiver_port/_requests" || echo 000)
expect_json "the scheduled collection notified e2e-local's disk alert to the webhook" '
# On a busy machine other alerts (CPU) open in the same step and come as one grouped message.
def payloads(r):
    body = json.loads(r["body"])
    return body["events"] if body.get("event") == "grouped" else [body]
told = [(r, p) for r in doc if r["path"] == "/e2e-hook" for p in payloads(r) if p.get("alert", {}).get("server") == "e2e-local" and p["alert"].get("type") == "disk"]
told or bad("the receiver got %d requests, none about e2e-local\x27s disk" % len(doc))
request, payload = told[0]
payload["alert"]["severity"] == "critical" or bad("told %r" % payload["alert"])
key = request["headers"].get("idempotency-key")
key is not None and (key == json.loads(request["body"]).get("event_id") or key.startswith("group-")) or bad("no Idempotency-Key")'
fetch "/api/notifications?state=delivered"
expect_json "/api/notifications lists the delivery, the channel without its path" '
rows = [r for r in doc if r["server"] == "e2e-local"]
rows or bad("no delivered notification of e2e-local in %r" % doc)
"e2e-hook" not in rows[0]["channel"] or bad("the channel label shows its path: %r" % rows[0]["channel"])'

# --- the API through nginx ----------------------------------------------------------------
fetch /nginx-health
expect_code 200 "GET /nginx-health"
fetch /api/health
expect_code 200 "GET /api/health"
expect_json "/api/health is healthy" 'status = doc.get("status"); status == "healthy" or bad("status is %r" % status)'
expect_security_headers "GET /api/health"

# The api's cache follows the database within about a second of a write: wait until it
# shows a sample for every server.
for _ in $(seq 50); do
    fetch /api/servers/metrics/latest
    [ "$code" = 200 ] && python3 -c "
import json, sys
doc = json.load(open(sys.argv[1]))
sys.exit(0 if set(sys.argv[2:]) <= {row.get('server_name') for row in doc if row.get('timestamp')} else 1)" "$work/body" "${names[@]}" 2>/dev/null && break
    sleep 0.2
done
expect_code 200 "GET /api/servers/metrics/latest"
expect_json "/api/servers/metrics/latest has every server with the seed's fields" '
fields = ["server_name", "cpu_load_1min", "cpu_load_5min", "cpu_load_15min", "ram_percentage", "disk_percentage", "logged_users", "tcp_connections", "timestamp"]
isinstance(doc, list) or bad("not an array")
rows = {row.get("server_name"): row for row in doc}
for name in names:
    row = rows.get(name) or bad(f"{name!r} missing; got {sorted(rows)}")
    missing = [f for f in fields if f not in row]
    missing and bad(f"{name!r} lacks {missing}")
    ram = row["ram_percentage"]
    isinstance(ram, (int, float)) or bad(f"{name!r}: ram_percentage is {ram!r}")
'
fetch /api/system/overview
expect_json "/api/system/overview counts every server online" '
total, online, offline = doc.get("total_servers"), doc.get("online_servers"), doc.get("offline_servers")
total == len(names) or bad(f"total_servers {total}")
online == len(names) or bad(f"online_servers {online}, offline {offline}")
'
fetch /api/servers/no-such-server/status
expect_code 404 "GET /api/servers/no-such-server/status"
expect_json "the 404 is the error document" 'doc.get("success") is False and doc.get("details", {}).get("code") or bad(f"got {doc}")'
expect_security_headers "API error answer (404)"

fetch /api/openapi.json -H 'Accept-Encoding: gzip'
expect_code 200 "GET /api/openapi.json (gzip)"
expect_header Content-Encoding gzip "a large JSON answer is gzipped"
if gzip -dc "$work/body" | python3 -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null; then ok "the gzipped body is valid JSON"; else fail "the gzipped body does not decompress to JSON"; fi
fetch /api/servers/metrics/latest
if [ -z "$(header Content-Encoding)" ]; then ok "no gzip without Accept-Encoding"; else fail "gzip sent to a client that did not ask for it"; fi

# --- the api's read-only role and the spool --------------------------------------------------
owner_url=$("$root/deploy/local/postgres.sh" url)
api_url=$("$root/deploy/local/postgres.sh" api-url)
api_roles=$(psql -X -At "$owner_url" -c "SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE application_name = 'server-dashboard-api'" 2>&1)
if [ "$api_roles" = dashboard_api ]; then ok "the api is connected as dashboard_api only"; else fail "the api is connected as '$api_roles', not dashboard_api"; fi
if psql -X -q "$api_url" -c "SELECT count(*) FROM server_metrics" >/dev/null 2>&1; then ok "the api's role reads"; else fail "the api's role cannot read server_metrics"; fi
for statement in "DELETE FROM alerts" "UPDATE servers SET host = host" "CREATE TABLE intruder (id integer)"; do
    if psql -X -q "$api_url" -c "$statement" >/dev/null 2>&1; then fail "the api's role may: $statement"; else ok "the api's role may not: $statement"; fi
done
if [ "$(stat -c %a "$RUN_DIR/db-api-password")" = 600 ] && ! grep -rqF "$(cat "$RUN_DIR/db-api-password")" "$work/run.out" "$RUN_DIR/logs" 2>/dev/null; then
    ok "db-api-password is mode 600 and in no output or log"
else
    fail "db-api-password is not mode 600, or appears in the output or a log"
fi
if "$root/deploy/local/db-stats.sh" >"$work/db-stats.out" 2>&1 && grep -q "^spool $RUN_DIR/spool: 0 files, 0 results" "$work/db-stats.out" && grep -q server_metrics "$work/db-stats.out"; then
    ok "run-db-stats shows the tables and the (empty) spool in RUN_DIR/spool"
else
    fail "run-db-stats: $(cat "$work/db-stats.out")"
fi

# --- retention: the schedule's daily step, exactly as deploy/local/scheduler.sh runs it -------------
# A sample 100 days old (past RETENTION_DAYS [90]) for e2e-local; the step removes it, records the
# cleanup as `schedule`, and run-db-stats shows it. Run again at once, it is not due.
psql -X -q "$owner_url" -c "INSERT INTO server_metrics (server_id, collected_at, cpu_percent)
    SELECT id, now() - interval '100 days', 1 FROM servers WHERE name = 'e2e-local'" >/dev/null
collector_log=$RUN_DIR/logs/collector.log
for attempt in first second; do
    log_lines=$(wc -l <"$collector_log")
    if "$root/deploy/local/retention.sh" "$RUN_ENV_FILE"; then ok "the retention step ran ($attempt time)"; else fail "deploy/local/retention.sh failed ($attempt time)"; fi
    tail -n +"$((log_lines + 1))" "$collector_log" >"$work/retention-$attempt.out"
done
if grep -q '^== .* collector cleanup --if-due$' "$work/retention-first.out" &&
    grep -q '^deleted 1 samples, .*(kept 90 days of samples, 7 of top users; schedule cleanup)$' "$work/retention-first.out"; then
    ok "the retention step removed the 100-day-old sample and logged it in collector.log"
else
    fail "the retention step's log: $(cat "$work/retention-first.out")"
fi
if grep -q '^cleanup not due: the last one started .* (schedule); next after ' "$work/retention-second.out"; then
    ok "the retention step run again at once says it is not due (once a day)"
else
    fail "the second retention step: $(cat "$work/retention-second.out")"
fi
old_samples=$(psql -X -At "$owner_url" -c "SELECT count(*) FROM server_metrics WHERE collected_at < now() - interval '90 days'" 2>&1)
if [ "$old_samples" = 0 ]; then ok "no sample older than RETENTION_DAYS is left"; else fail "samples older than 90 days left: $old_samples"; fi
if "$root/deploy/local/db-stats.sh" >"$work/db-stats2.out" 2>&1 && grep -q '^last cleanup: .* (schedule), ' "$work/db-stats2.out" &&
    grep -q '^  removed: 1 samples, ' "$work/db-stats2.out" && grep -q '^next cleanup: the first scheduled run after ' "$work/db-stats2.out"; then
    ok "run-db-stats shows the last cleanup (when, schedule, rows removed) and the next"
else
    fail "run-db-stats after the cleanup: $(cat "$work/db-stats2.out")"
fi

# --- the pages through nginx ---------------------------------------------------------------
fetch /
cp "$work/body" "$work/dashboard.html"
expect_code 200 "GET /"
expect_header Content-Type 'text/html*' "GET /"
expect_security_headers "GET / (page)"
for name in "${names[@]}"; do
    card=$(grep -o "data-status=\"[a-z]*\" data-server=\"$name\"" "$work/dashboard.html" | head -n 1 || true)
    status=${card#data-status=\"}
    status=${status%%\"*}
    case $status in
        healthy | warning | critical) ok "/ shows $name as $status" ;;
        '') fail "/ does not list $name" ;;
        *) fail "/ shows $name as $status (expected online: healthy, warning or critical)" ;;
    esac
    encoded=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$name")
    fetch "/servers/$encoded"
    expect_code 200 "GET /servers/$encoded"
    if grep -qF "$name" "$work/body"; then ok "/servers/$encoded names the server"; else fail "/servers/$encoded does not show its name"; fi
done
fetch /servers/no-such-server
expect_code 404 "GET /servers/no-such-server"
expect_security_headers "page error answer (404)"
fetch /overview
expect_code 200 "GET /overview"

# --- the security headers on every route ---------------------------------------------------
# Every route the api documents (its own OpenAPI document) and every page and asset.
fetch /api/collector/runs
run_id=$(python3 -c 'import json, sys; runs = json.load(open(sys.argv[1])); print(runs[0]["id"] if runs else 1)' "$work/body" 2>/dev/null || echo 1)
fetch /api/openapi.json
mapfile -t routes < <(python3 -c '
import json, sys
for path in sorted(json.load(open(sys.argv[1]))["paths"]):
    print(path.replace("{server_name}", "e2e-local").replace("{hours}", "24").replace("{run_id}", sys.argv[2]))
' "$work/body" "$run_id")
[ "${#routes[@]}" -ge 15 ] || fail "the api documents only ${#routes[@]} routes"
routes+=(/ /overview /history /users /users.csv /users.xlsx /alerts /servers/e2e-local /static/app.css /static/app.js /static/icon.svg /healthz /no-such-page)
headers_ok=0
for route in "${routes[@]}"; do
    if [ "$route" = /api/events ]; then fetch_stream "$route"; else fetch "$route"; fi
    before=$failures
    case $code in
        200 | 404) ;;
        *) fail "GET $route: status $code" ;;
    esac
    expect_security_headers "GET $route" >/dev/null
    [ "$failures" != "$before" ] || headers_ok=$((headers_ok + 1))
done
if [ "$headers_ok" = "${#routes[@]}" ]; then ok "the security headers are on all ${#routes[@]} routes (every documented api route, every page and asset)"; fi

# --- /metrics passes Prometheus's own linter --------------------------------------------------
# promtool (scripts/install-deps.sh extracts it into .build-tools/promtool) on the live
# exposition, with this run's servers and the requests above in it: it parses, every family
# has HELP and TYPE, counters end in _total. A finding fails the run.
promtool=${SD_PROMTOOL:-$root/.build-tools/promtool/promtool}
[ -x "$promtool" ] || promtool=$(command -v promtool || true)
fetch /metrics
expect_code 200 "GET /metrics"
if [ -z "$promtool" ]; then
    fail "promtool not found: scripts/install-deps.sh puts it in .build-tools/promtool (or set SD_PROMTOOL)"
elif "$promtool" check metrics <"$work/body" >"$work/promtool.out" 2>&1; then
    ok "promtool check metrics passes on the live /metrics ($(grep -c '^# TYPE' "$work/body") families)"
else
    fail "promtool check metrics on the live /metrics: $(head -c 2000 "$work/promtool.out")"
fi
untotalled=$(awk '$1 == "#" && $2 == "TYPE" && $4 == "counter" && $3 !~ /_total$/ { print $3 }' "$work/body")
if [ -z "$untotalled" ]; then ok "every counter on /metrics ends in _total"; else fail "counters without _total on /metrics: $untotalled"; fi
if grep -Eq '^hb_requests_total\{.*\} [1-9]' "$work/body" && grep -q '^# HELP http_server_request_duration ' "$work/body"; then
    ok "the api's own request metrics are on /metrics (hb_requests_total, http_server_request_duration with HELP)"
else
    fail "the api's own request metrics are missing from /metrics: $(grep -E '^(# [A-Z]+ )?(hb|http)_' "$work/body" | head -5)"
fi

# --- the hostile-input trip ------------------------------------------------------------------
if [ -n "$hostile_dir" ]; then
    if python3 "$root/scripts/e2e-hostile.py" "$base" "$hostile_dir/names.json" e2e-hostile "$RUN_DIR/logs"; then
        ok "hostile names come out inert everywhere (scripts/e2e-hostile.py)"
    else
        fail "the hostile-input trip found problems (above)"
    fi
fi

# --- basic auth ------------------------------------------------------------------------------
auth_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
if [ -n "${SD_TEST_SECRETS_FILE:-}" ]; then printf '%s\n' "$auth_password" >>"$SD_TEST_SECRETS_FILE"; fi
"$root/deploy/local/stop.sh" nginx >/dev/null
BASIC_AUTH_USER=e2e BASIC_AUTH_PASSWORD=$auth_password "$root/deploy/local/run.sh" >"$work/run3.out" 2>&1 ||
    fatal "run.sh could not restart nginx with basic auth: $(cat "$work/run3.out")"
if grep -q "starting what is not: nginx" "$work/run3.out"; then ok "run.sh restarted only nginx"; else fail "run.sh did not restart only nginx: $(cat "$work/run3.out")"; fi
for path in / /api/health /servers/e2e-local; do
    fetch "$path"
    expect_code 401 "GET $path without credentials"
done
expect_security_headers "401 answer"
fetch /nginx-health
expect_code 200 "GET /nginx-health without credentials"
fetch / -u "e2e:wrong-$auth_password"
expect_code 401 "GET / with a wrong password"
auth=(-u "e2e:$auth_password")
fetch /
expect_code 200 "GET / with credentials"
fetch /api/health
expect_code 200 "GET /api/health with credentials"

# --- upstreams down ----------------------------------------------------------------------------
"$root/deploy/local/stop.sh" frontend-renderer >/dev/null
fetch /
expect_code 503 "GET / with the frontend-renderer stopped"
expect_header Content-Type 'text/html*' "the upstream-down page"
if grep -q "<title>Server Dashboard is restarting</title>" "$work/body"; then ok "the friendly upstream-down page is served"; else fail "not the upstream-down page: $(head -c 300 "$work/body")"; fi
expect_security_headers "the upstream-down page"
fetch /api/health
expect_code 200 "the api still answers while the frontend-renderer is down"

"$root/deploy/local/stop.sh" api >/dev/null
fetch /api/servers/metrics/latest
expect_code 503 "GET /api/servers/metrics/latest with the api stopped"
expect_header Content-Type 'application/json*' "the api-down answer"
expect_json "the api-down answer is the error document" 'doc.get("success") is False and isinstance(doc.get("error"), str) and doc.get("details", {}).get("code") == "API_UNAVAILABLE" or bad(f"got {doc}")'
expect_security_headers "the api-down answer"

# --- stop: nothing left --------------------------------------------------------------------------
"$root/deploy/local/stop.sh" >"$work/stop.out" 2>&1 || fail "stop.sh failed: $(cat "$work/stop.out")"
if [ -z "$(ls -A "$RUN_DIR/pids")" ]; then ok "no pid file left"; else fail "pid files left: $(ls "$RUN_DIR/pids")"; fi
sleep 0.5
left=""
for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" != $$ ] || continue
    stat=$(cat "$proc/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    read -r -a fields <<<"$stat"
    [ "${fields[0]}" != Z ] || continue
    session=${fields[3]}
    cmdline=$(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null || true)
    for leader in "${sessions[@]}"; do
        if [ "$session" = "$leader" ]; then left="$left
  pid $pid (session of a started service): $cmdline"; fi
    done
    if [[ $cmdline == *"$RUN_DIR"* ]]; then left="$left
  pid $pid: $cmdline"; fi
done
if [ -z "$left" ]; then ok "no process of the stack is left"; else fail "processes left after stop:$left"; fi
for port in "$HTTP_PORT:HTTP_PORT" "$API_PORT:API_PORT" "$FRONTEND_PORT:FRONTEND_PORT" "$RUN_POSTGRES_PORT:RUN_POSTGRES_PORT"; do
    if [ -z "$(ss -Hltn "sport = :${port%%:*}")" ]; then ok "port ${port%%:*} (${port#*:}) is free"; else fail "port ${port%%:*} (${port#*:}) is still listened on"; fi
done
if [ -f "$RUN_DIR/postgres/data/PG_VERSION" ] && [ -s "$RUN_DIR/db-password" ]; then ok "the data stays in RUN_DIR"; else fail "stop removed the data"; fi

[ "$failures" = 0 ]

#!/usr/bin/env bash
# `make bench-notify`: figures for notification delivery (docs/notifications.md). It is a
# benchmark, not a test: it exits 0 whether or not the target is met, non-zero when it
# could not measure or a delivery check failed. Loopback only (127.0.0.0/8), as root.
#
#   1. 1,000 pending notifications (rows inserted with psql into a migrated database:
#      servers → alerts → alert_events → notifications for the webhook's channel key)
#      delivered by `collector notify pending` to Tests/NotifyReceivers/http_receiver.py:
#      wall time and collector CPU (user+sys, wait4), once with NOTIFY_GROUP_MIN=100000
#      (1,000 requests) and once with the default 5 (grouped, 100 events a message). A step
#      starts no request after NOTIFY_TIMEOUT_SECONDS, so steps repeat (at most 20) until
#      nothing is pending; the figures are their sums. The receiver's event ids are counted.
#   2. `collector run --once --json` over BENCH_HOSTS loopback sshd hosts (scripts/test-hosts.sh),
#      COLLECT_ATTEMPTS=1, every server with SERVERn_THRESHOLD_DISK_WARNING=0.5 and _CRITICAL=1
#      so each opens a disk alert (THRESHOLD_CPU_*/RAM_*=100: few others), BENCH_RUNS times
#      with no NOTIFY_URLS and, interleaved, with a webhook receiver that hangs
#      (NOTIFY_TIMEOUT_SECONDS=5), each on a fresh database. Prints the growth of the median
#      wall time, and of the time from the stored run to exit (free of the collection's noise)
#      against the target (at most one NOTIFY_TIMEOUT_SECONDS), and checks from the
#      --json report, the database and the receiver that every sample was stored and the run
#      finished before the first request, and that one grouped message (100 events) started.
#
# Settings: BENCH_HOSTS (100, 1-254)  BENCH_RUNS (3, 1-10)  BENCH_EVENTS (1000, 1-100000)
#           BENCH_COLLECTOR (.build/release/collector)  BENCH_KEEP (0; 1 keeps the raw results)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=scripts/lib/common.sh
. "$here/lib/common.sh"

die() {
    printf 'bench-notify: %s\n' "$*" >&2
    exit 2
}
say() { printf 'bench-notify: %s\n' "$*" >&2; }
is_count() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

hosts=${BENCH_HOSTS:-100}
is_count "$hosts" 1 254 || die "BENCH_HOSTS must be 1 … 254, not '$hosts'"
runs=${BENCH_RUNS:-3}
is_count "$runs" 1 10 || die "BENCH_RUNS must be 1 … 10, not '$runs'"
events=${BENCH_EVENTS:-1000}
is_count "$events" 1 100000 || die "BENCH_EVENTS must be 1 … 100000, not '$events'"
collector=${BENCH_COLLECTOR:-$root/.build/release/collector}
receiver_py=$root/Tests/NotifyReceivers/http_receiver.py
hang_timeout=5
py=/usr/bin/python3 # the receiver is written for Debian's Python
[ "$(id -u)" = 0 ] || die "must run as root (scripts/test-hosts.sh creates the test user and runs sshd)"
[ -x "$collector" ] || die "$collector not found: build it with 'swift build -c release --product collector' (make bench-notify does)"
[ -r "$receiver_py" ] || die "$receiver_py not found"
for tool in "$py" psql curl sha256sum; do command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh)"; done
if newer=$(find "$root/Sources" -name '*.swift' -newer "$collector" -print -quit) && [ -n "$newer" ]; then
    say "note: $collector is older than $newer (make bench-notify rebuilds it first)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-notify.XXXXXX")
chmod 755 "$work" # postgres and the test user read below it
results=$work/results
mkdir -p "$results"
receiver_pid=''
cleanup() {
    local status=$?
    set +e
    if [ -n "$receiver_pid" ]; then kill "$receiver_pid" 2>/dev/null && wait "$receiver_pid" 2>/dev/null; fi
    [ -d "$work/ssh" ] && "$here/test-hosts.sh" stop "$work/ssh"
    [ -d "$work/pg" ] && "$here/test-postgres.sh" stop "$work/pg"
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        rm -f "$work"/*.env "$work/pg/env" "$work/pg/dashboard-password" "$work/pg/superuser-password"
        say "raw results kept in $results"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- services ---------------------------------------------------------------------------

pg_port=$(free_port)
say "starting PostgreSQL on 127.0.0.1:$pg_port"
"$here/test-postgres.sh" start "$work/pg" "$pg_port"
base_url=$(
    # shellcheck disable=SC1091
    . "$work/pg/env"
    printf '%s' "$SD_TEST_DATABASE_URL"
)

"$py" "$receiver_py" 0 >"$work/receiver.out" 2>"$work/receiver.err" &
receiver_pid=$!
for _ in $(seq 50); do [ -s "$work/receiver.out" ] && break; sleep 0.1; done
receiver_port=$(head -n 1 "$work/receiver.out")
[[ $receiver_port =~ ^[0-9]+$ ]] || die "the receiver did not start: $(cat "$work/receiver.err")"
hook=http://127.0.0.1:$receiver_port/hook
channel_key=$(printf %s "$hook" | sha256sum | cut -c 1-16)
control() { curl -fsS -o /dev/null -X POST "http://127.0.0.1:$receiver_port/$1" ${2:+-d "$2"}; }
say "receiver on 127.0.0.1:$receiver_port (channel key $channel_key)"

# The collector sees only this environment and the env file (no ./.env: it runs in $work).
collector_env=(env -i "HOME=$work" "PATH=/usr/sbin:/usr/bin:/sbin:/bin" "LANG=C.UTF-8")
cd "$work"

# fresh_database NAME ENV_FILE [KEY=VALUE …]: a new migrated database and an env file for it
# (DATABASE_URL, the settings given, then $work/inventory.env when it exists).
fresh_database() {
    local name=$1 file=$2
    shift 2
    psql -X -q -v ON_ERROR_STOP=1 "$base_url" -c "CREATE DATABASE $name" >/dev/null
    {
        printf 'DATABASE_URL=%s\n' "${base_url%/*}/$name"
        printf '%s\n' "$@"
        [ ! -f "$work/inventory.env" ] || cat "$work/inventory.env"
    } >"$file"
    chmod 600 "$file"
    "${collector_env[@]}" "$collector" migrate --env-file "$file" >"$results/$name.migrate.log" 2>&1 ||
        { cat "$results/$name.migrate.log" >&2; die "collector migrate failed"; }
}

# sql NAME QUERY: runs QUERY in database NAME, printing the unaligned result.
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "${base_url%/*}/$1" -c "$2"; }

# measure NAME COMMAND…: measure.py's wall time, CPU and exit status of COMMAND into NAME.measure.json.
measure() {
    local name=$1
    shift
    "$py" "$here/bench/measure.py" "$results/$name.measure.json" -- "$@"
}
exit_status_of() { "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["exit_status"])' "$1"; }

# --- 1. delivering pending notifications --------------------------------------------------

for mode in single grouped; do
    if [ "$mode" = single ]; then group_min=100000; else group_min=5; fi
    db=deliver_$mode
    fresh_database "$db" "$work/$db.env" "NOTIFY_URLS=$hook" "NOTIFY_GROUP_MIN=$group_min"
    sql "$db" "
        INSERT INTO servers (name, host) SELECT format('bench-%s', lpad(g::text, 6, '0')), '127.0.0.1' FROM generate_series(1, $events) g;
        INSERT INTO alerts (server_id, type, severity, message, value, opened_at, updated_at)
            SELECT id, 'disk', 'critical', 'disk / at 95.0% (critical at 90%)', 95, now(), now() FROM servers;
        INSERT INTO alert_events (alert_id, event, severity, message, value, created_at)
            SELECT id, 'opened', severity, message, value, opened_at FROM alerts;
        INSERT INTO notifications (event_ref, channel_key, channel, next_attempt_at, created_at)
            SELECT id, '$channel_key', 'http://127.0.0.1:$receiver_port/…', now(), now() FROM alert_events;" >/dev/null
    control _reset
    say "1. delivering $events notifications, NOTIFY_GROUP_MIN=$group_min"
    for ((step = 1; step <= 20; step++)); do
        measure "deliver-$mode-$step" "${collector_env[@]}" "$collector" notify pending --env-file "$work/$db.env" \
            >"$results/deliver-$mode-$step.out" 2>"$results/deliver-$mode-$step.err"
        status=$(exit_status_of "$results/deliver-$mode-$step.measure.json")
        [ "$status" = 0 ] || { cat "$results/deliver-$mode-$step.err" >&2; die "collector notify pending exited with $status"; }
        say "   step $step: $(cat "$results/deliver-$mode-$step.out")"
        [ "$(sql "$db" "SELECT count(*) FROM notifications WHERE state = 'pending'")" != 0 ] || break
    done
    "$py" "$here/bench/notify_report.py" received "$receiver_port" "$results/deliver-$mode.received.json"
    sql "$db" "SELECT json_build_object('delivered', count(*) FILTER (WHERE state = 'delivered'),
        'pending', count(*) FILTER (WHERE state = 'pending'), 'failed', count(*) FILTER (WHERE state = 'failed')) FROM notifications" \
        >"$results/deliver-$mode.db.json"
done

# --- 2. a run whose receiver hangs ---------------------------------------------------------

ssh_port=$(free_port)
say "starting $hosts sshd test hosts on port $ssh_port"
SD_TEST_SSH_PORT=$ssh_port "$here/test-hosts.sh" start "$work/ssh" "$hosts" >&2
# shellcheck disable=SC1091
. "$work/ssh/env"
{
    printf 'KNOWN_HOSTS_FILE=%s\nHOST_KEY_POLICY=strict\nCOLLECT_ATTEMPTS=1\n' "$SD_TEST_SSH_KNOWN_HOSTS"
    # Fewer CPU and RAM alerts beside the disk ones (a CPU measured at 100% on this busy machine still opens one).
    printf 'THRESHOLD_%s=100\n' CPU_WARNING CPU_CRITICAL RAM_WARNING RAM_CRITICAL
    for ((n = 1; n <= hosts; n++)); do
        printf 'SERVER%s_NAME=bench-%04d\nSERVER%s_HOST=127.0.0.%s\nSERVER%s_PORT=%s\nSERVER%s_USERNAME=%s\nSERVER%s_KEY_FILE=%s\n' \
            "$n" "$n" "$n" "$((n + 1))" "$n" "$ssh_port" "$n" "$SD_TEST_SSH_USER" "$n" "$SD_TEST_SSH_KEY_ED25519"
        printf 'SERVER%s_THRESHOLD_DISK_WARNING=0.5\nSERVER%s_THRESHOLD_DISK_CRITICAL=1\n' "$n" "$n"
    done
} >"$work/inventory.env"

for ((r = 1; r <= runs; r++)); do
    for kind in plain hang; do
        db=run_${kind}_$r
        name=run-$kind-$r
        if [ "$kind" = hang ]; then
            fresh_database "$db" "$work/$db.env" "NOTIFY_URLS=$hook" "NOTIFY_TIMEOUT_SECONDS=$hang_timeout"
            control _reset
            control _control '{"mode": "hang"}'
        else
            fresh_database "$db" "$work/$db.env"
        fi
        say "2. run $r/$runs, $kind: collector run --once over $hosts hosts"
        measure "$name" "${collector_env[@]}" "$collector" run --once --json --env-file "$work/$db.env" \
            >"$results/$name.json" 2>"$results/$name.err"
        status=$(exit_status_of "$results/$name.measure.json")
        [ "$status" = 0 ] || [ "$status" = 1 ] || { tail -n 20 "$results/$name.err" >&2; die "collector run exited with $status"; }
        [ "$kind" = plain ] || "$py" "$here/bench/notify_report.py" received "$receiver_port" "$results/$name.received.json"
        sql "$db" "SELECT json_build_object(
            'servers_with_samples', (SELECT count(DISTINCT server_id) FROM server_metrics),
            'open_alerts', (SELECT count(*) FROM alerts WHERE resolved_at IS NULL),
            'disk_alerts', (SELECT count(*) FROM alerts WHERE resolved_at IS NULL AND type = 'disk'),
            'notifications', (SELECT count(*) FROM notifications),
            'attempted', (SELECT count(*) FROM notifications WHERE attempts > 0),
            'delivered', (SELECT count(*) FROM notifications WHERE state = 'delivered'),
            'run_finished_unix', (SELECT extract(epoch FROM max(finished_at)) FROM collection_runs))" >"$results/$name.db.json"
    done
done

"$py" -c 'import json, sys; json.dump({"hosts": int(sys.argv[2]), "events": int(sys.argv[3]), "timeout": float(sys.argv[4]),
    "machine": sys.argv[5]}, open(sys.argv[1], "w"))' "$results/meta.json" "$hosts" "$events" "$hang_timeout" \
    "$(nproc) cores, kernel $(uname -r), libcurl $(dpkg-query -W -f '${Version}' libcurl4 2>/dev/null || echo '?')"
"$py" "$here/bench/notify_report.py" report "$results"

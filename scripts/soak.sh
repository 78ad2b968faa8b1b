#!/usr/bin/env bash
# `make soak`: load and faults, bounded and loopback only, against the native stack.
# Runs inside scripts/test-env.sh with 50 sshd test hosts (make soak starts it so):
#
#   SD_TEST_SSH_HOST_COUNT=50 scripts/test-env.sh scripts/soak.sh
#
#   1. starts the stack exactly as `make run` does (deploy/local/run.sh), in a state folder
#      of its own and on free ports of its own, with every sshd test host in the inventory
#      (ed25519 key, HOST_KEY_POLICY=strict, LOG_FORMAT=json); stops its 15-minute schedule
#      once the first collection is in, so that only the soak's runs collect;
#   2. for SOAK_SECONDS: `collector run --once --json` back to back with the stack's
#      environment (what deploy/local/scheduler.sh runs, plus --json); wrk through nginx at
#      a moderate, fixed rate on the pages `/` and `/overview` and the api (latest metrics,
#      overview, one server's history) — within nginx's /api/ rate limit, so a 429 is a failure;
#      RSS and open files of api, frontend-renderer, nginx (master + workers) and
#      PostgreSQL (postmaster + backends) every 2 s;
#   3. faults, each logged with its time: one to three sshd test hosts stopped (SIGTERM to
#      the sshd serving them, restarted later with the same configuration) or hung (SIGSTOP,
#      so connections are accepted by the kernel and then nothing answers; SIGCONT later) —
#      make soak gives every host an sshd of its own (SD_TEST_SSH_PER_SSHD=1; otherwise a
#      fault hits every address of the sshd, up to 16); and once, PostgreSQL stopped
#      (deploy/local/postgres.sh stop) for SOAK_DB_DOWN_SECONDS, then started again;
#   4. after the load: one more collection with every fault undone (a spool, when the
#      collector has one, is stored by it), then checks the SSH sessions left, the api's
#      cache against the database, and prints the figures (scripts/soak-report.py).
#
# Exit status: 0 when every check holds; 1 when one fails — a non-2xx answer or a wrk
# socket error outside the database window (+ SOAK_DB_GRACE), a 503 of a page or of an
# endpoint the api answers from memory (stale) inside it, samples reported collected
# but not stored, RSS or open files growing beyond the bounds between the warm-up and the
# end of the load, an SSH session left after the last run, a collection failure or a log
# error line that no injected fault explains; 2 when it could not run.
#
# Settings (environment):
#   SOAK_SECONDS (600)         how long the load and the faults last
#   SOAK_BIN_DIR (.build/release)   collector, api and frontend-renderer (make soak builds them)
#   SOAK_PAGE_RATE (10)        requests/s on each page, the dashboard `/` and `/overview`
#   SOAK_API_RATE (5)          requests/s on each of the three api URLs (nginx allows 20/s)
#   SOAK_DB_DOWN_SECONDS (20)  the PostgreSQL window (at most SOAK_SECONDS / 6)
#   SOAK_DB_GRACE (15)         seconds after PostgreSQL is back in which 503s still count as its window
#   SOAK_RSS_GROWTH_MB (64)    allowed RSS growth of a service between warm-up and end of load
#   SOAK_FD_GROWTH (24)        allowed growth of a service's open files over the same span
#   SOAK_SEED (random)         seeds the fault plan, to repeat one
#   SOAK_KEEP (0)              1 keeps the work folder (logs, raw figures) and prints where
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=scripts/lib/common.sh
. "$root/scripts/lib/common.sh"

die() {
    printf 'soak: %s\n' "$*" >&2
    exit 2
}

say() {
    printf 'soak: %s %s\n' "$(date -u +%H:%M:%S)" "$*"
}

number() {
    case ${!1:-} in
        '') printf '%s' "$2" ;;
        *[!0-9]*) die "$1 must be a whole number, got '${!1}'" ;;
        *) printf '%s' "${!1}" ;;
    esac
}

soak_seconds=$(number SOAK_SECONDS 600)
page_rate=$(number SOAK_PAGE_RATE 10)
api_rate=$(number SOAK_API_RATE 5)
db_down=$(number SOAK_DB_DOWN_SECONDS 20)
db_grace=$(number SOAK_DB_GRACE 15)
rss_growth=$(number SOAK_RSS_GROWTH_MB 64)
fd_growth=$(number SOAK_FD_GROWTH 24)
seed=$(number SOAK_SEED "$RANDOM")
bin_dir=${SOAK_BIN_DIR:-$root/.build/release}
[ "$soak_seconds" -ge 60 ] || die "SOAK_SECONDS must be at least 60"
{ [ "$page_rate" -ge 1 ] && [ "$api_rate" -ge 1 ]; } || die "SOAK_PAGE_RATE and SOAK_API_RATE must be at least 1"
[ "$db_down" -le $((soak_seconds / 6)) ] || db_down=$((soak_seconds / 6))
RANDOM=$seed

: "${SD_TEST_SSH_KNOWN_HOSTS:?SD_TEST_SSH_* not set: run through scripts/test-env.sh (make soak does)}"
for program in collector api frontend-renderer; do
    [ -x "$bin_dir/$program" ] || die "$bin_dir/$program not found — build it (swift build -c release --product $program) or set SOAK_BIN_DIR"
done
for tool in wrk nginx curl python3 psql ss; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done
read -r -a hosts <<<"$SD_TEST_SSH_HOSTS"
[ "${#hosts[@]}" -ge 2 ] || die "need sshd test hosts, SD_TEST_SSH_HOSTS has ${#hosts[@]}"
ssh_dir=$SD_TEST_SSH_DIR
ssh_port=$SD_TEST_SSH_PORT

work=$(mktemp -d "${TMPDIR:-/tmp}/sd-soak.XXXXXX")
chmod 755 "$work"
mkdir -p "$work/runs" "$work/wrk"

# The inventory and settings: nothing else from the environment may leak in.
scrub_inventory_environment
export RUN_DIR=$work/run RUN_ENV_FILE=$work/settings.env RUN_BIN_DIR=$bin_dir RUN_SKIP_DEPS=1 RUN_SKIP_BUILD=1 RUN_MONITOR_LOCAL=0
HTTP_PORT=$(free_port)
API_PORT=$(free_port)
FRONTEND_PORT=$(free_port)
RUN_POSTGRES_PORT=$(free_port)
export HTTP_PORT API_PORT FRONTEND_PORT RUN_POSTGRES_PORT NGINX_LISTEN_ADDRESS=127.0.0.1
{
    printf '# scripts/soak.sh: every sshd test host, ed25519 key, strict host keys\n'
    n=0
    for addr in "${hosts[@]}"; do
        n=$((n + 1))
        printf 'SERVER%s_NAME=soak-host-%s\nSERVER%s_HOST=%s\nSERVER%s_PORT=%s\nSERVER%s_USERNAME=%s\nSERVER%s_KEY_FILE=%s\n' \
            "$n" "${addr##*.}" "$n" "$addr" "$n" "$ssh_port" "$n" "$SD_TEST_SSH_USER" "$n" "$SD_TEST_SSH_KEY_ED25519"
    done
    printf 'KNOWN_HOSTS_FILE=%s\nHOST_KEY_POLICY=strict\n' "$SD_TEST_SSH_KNOWN_HOSTS"
    printf 'COLLECTION_INTERVAL_MINUTES=15\nLOG_LEVEL=info\nLOG_FORMAT=json\nAPI_REQUEST_LOG_LEVEL=debug\n'
    # Shorter than the defaults (10 s, 30 s), so that a hung host (8-25 s) times out.
    printf 'CONNECT_TIMEOUT_SECONDS=5\nPROBE_TIMEOUT_SECONDS=15\n'
    # Where a collector with a spool keeps it (ignored by one without).
    printf 'SPOOL_DIR=%s\n' "$work/spool"
} >"$RUN_ENV_FILE"
chmod 600 "$RUN_ENV_FILE"

background=()
# Ends process $1 and its descendants (the collector or sleep a loop is waiting on).
kill_tree() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
    kill "$1" 2>/dev/null || true
}
finish() {
    local status=$?
    local pid
    for pid in "${background[@]}" ${sleeper:-}; do kill_tree "$pid"; done
    for pid in "${background[@]}"; do wait "$pid" 2>/dev/null || true; done
    undo_ssh_faults
    if [ -d "$RUN_DIR/pids" ]; then "$root/deploy/local/stop.sh" >"$work/stop.out" 2>&1 || true; fi
    if [ "${SOAK_KEEP:-0}" = 1 ]; then
        echo "soak: work folder kept: $work (logs in $work/run/logs)"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

# --- sshd test hosts: which sshd serves which address, and the faults ------------------------
# scripts/test-hosts.sh runs one sshd per 16 addresses: sshd_config.K, pid in sshd.K.pid.
groups=()
for conf in "$ssh_dir"/sshd_config.*; do groups+=("${conf##*.}"); done

group_addresses() {
    sed -n 's/^ListenAddress //p' "$ssh_dir/sshd_config.$1" | tr '\n' ' '
}

group_pid() {
    local pid
    pid=$(cat "$ssh_dir/sshd.$1.pid" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *"-f $ssh_dir/sshd_config.$1 "* ]] || return 1
    printf '%s' "$pid"
}

# Whether every address of group $1 answers with an SSH banner.
group_answers() {
    local addr banner
    for addr in $(group_addresses "$1"); do
        # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash
        banner=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -c 4 <&3' "$addr" "$ssh_port" 2>/dev/null || true)
        [ "$banner" = SSH- ] || return 1
    done
}

restart_group() {
    local k=$1
    /usr/sbin/sshd -f "$ssh_dir/sshd_config.$k" -E "$ssh_dir/sshd.log" </dev/null || return 1
    for _ in $(seq 100); do
        group_answers "$k" && return 0
        sleep 0.1
    done
    return 1
}

# Resumes every hung sshd and restarts every stopped one (from the pid files alone, so any
# process can call it).
undo_ssh_faults() {
    local k pid state
    for k in "${groups[@]}"; do
        if pid=$(group_pid "$k"); then
            { read -r state <"/proc/$pid/stat"; } 2>/dev/null || continue
            state=${state##*) }
            [ "${state%% *}" != T ] || kill -CONT "$pid" 2>/dev/null || true
        else
            restart_group "$k" || printf 'soak: could not restart sshd.%s\n' "$k" >&2
        fi
    done
}

# faults.tsv: EPOCH EVENT KIND TARGET DETAIL — read by soak-report.py.
fault_log() {
    printf '%s\t%s\t%s\t%s\t%s\n' "$EPOCHREALTIME" "$1" "$2" "$3" "${4:-}" >>"$work/faults.tsv"
    printf 'soak: %s fault %s %s %s %s\n' "$(date -u +%H:%M:%S)" "$1" "$2" "$3" "${4:-}"
}

# --- start the stack -------------------------------------------------------------------------
say "state in $RUN_DIR; nginx on $HTTP_PORT, api $API_PORT, frontend $FRONTEND_PORT, postgres $RUN_POSTGRES_PORT; ${#hosts[@]} sshd test hosts on port $ssh_port (${#groups[@]} sshd processes); seed $seed"
"$root/deploy/local/run.sh" >"$work/run.out" 2>&1 || { cat "$work/run.out" >&2; die "deploy/local/run.sh failed"; }
grep -E "first collection|still running|could not run" "$work/run.out" | sed 's/^/soak: /' || true
"$root/deploy/local/stop.sh" scheduler >/dev/null
set -a
# shellcheck disable=SC1091 # written by run.sh
. "$RUN_DIR/env"
set +a
base=http://127.0.0.1:$HTTP_PORT

sql() {
    psql "$DATABASE_URL" -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}

# Until the api serves every server from its cache.
for _ in $(seq 150); do
    if curl -fsS --max-time 5 "$base/api/health" 2>/dev/null | grep -q '"cache":"live"' &&
        [ "$(curl -fsS --max-time 5 "$base/api/servers/metrics/latest" 2>/dev/null | python3 -c 'import json, sys; print(sum(1 for r in json.load(sys.stdin) if r.get("timestamp")))' 2>/dev/null)" = "${#hosts[@]}" ]; then
        break
    fi
    sleep 0.2
done
samples_before=$(sql "SELECT count(*) FROM server_metrics")
say "stack up; $samples_before samples from the first collection"

# --- resources: RSS and open files every 2 s ---------------------------------------------------
service_pid() {
    local pid
    read -r pid _ <"$RUN_DIR/pids/$1.pid" 2>/dev/null || return 1
    [ -d "/proc/$pid" ] || return 1
    printf '%s' "$pid"
}

postmaster_pid() {
    local pid
    pid=$(head -n 1 "$RUN_DIR/postgres/data/postmaster.pid" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] || return 1
    printf '%s' "$pid"
}

# resources.tsv: EPOCH SERVICE PROCESSES RSS-KB OPEN-FILES (sums over the service's processes).
sample_resources() {
    local now=$EPOCHREALTIME pid
    read_process_tree
    local service pids count rss fds kb files
    for service in api frontend-renderer nginx postgres; do
        pids=""
        case $service in
            postgres) pid=$(postmaster_pid) || pid="" ;;
            *) pid=$(service_pid "$service") || pid="" ;;
        esac
        [ -n "$pid" ] || { printf '%s\t%s\t0\t0\t0\n' "$now" "$service"; continue; }
        pids="$pid ${CHILDREN[$pid]:-}"
        count=0 rss=0 fds=0
        for pid in $pids; do
            kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            [ -n "$kb" ] || continue
            files=(/proc/"$pid"/fd/*)
            count=$((count + 1)) rss=$((rss + kb)) fds=$((fds + ${#files[@]}))
        done
        printf '%s\t%s\t%s\t%s\t%s\n' "$now" "$service" "$count" "$rss" "$fds"
    done >>"$work/resources.tsv"
}

# phases.tsv: EPOCH PHASE — start, warm, load-end, final-run-end.
phase() {
    printf '%s\t%s\n' "$EPOCHREALTIME" "$1" >>"$work/phases.tsv"
}

sample_resources
phase start

# --- load --------------------------------------------------------------------------------
# One wrk per URL, at a fixed rate: each connection waits DELAY ms after every answer.
server=soak-host-${hosts[0]##*.}
urls=(
    "page /"
    "page-overview /overview"
    "latest /api/servers/metrics/latest"
    "overview /api/system/overview"
    "history /api/servers/$server/metrics/historical/24"
)
for entry in "${urls[@]}"; do
    read -r key path <<<"$entry"
    case $key in
    page*) rate=$page_rate conns=2 ;;
    *) rate=$api_rate conns=1 ;;
    esac
    printf 'function delay() return %s end\n' "$((conns * 1000 / rate))" >"$work/wrk/$key.lua"
    wrk -t 1 -c "$conns" -d "${soak_seconds}s" --timeout 10s --latency -s "$work/wrk/$key.lua" "$base$path" >"$work/wrk/$key.out" 2>&1 &
    background+=($!)
    printf '%s\t%s\t%s\n' "$key" "$path" "$rate" >>"$work/wrk/urls.tsv"
done
load_started=$EPOCHSECONDS
load_end=$((load_started + soak_seconds))
say "load: $page_rate req/s on / and on /overview, $api_rate req/s on each api URL, for $soak_seconds s"

(
    while [ "$EPOCHSECONDS" -lt "$load_end" ]; do
        sample_resources
        sleep 2
    done
) &
background+=($!)

# --- collections back to back --------------------------------------------------------------------
# runs/index.tsv: RUN STARTED FINISHED EXIT-STATUS; runs/N.json its report, runs/N.err its stderr.
collect() {
    local i=$1 started status=0
    started=$EPOCHREALTIME
    "$bin_dir/collector" run --once --json --env-file "$RUN_ENV_FILE" >"$work/runs/$i.json" 2>"$work/runs/$i.err" || status=$?
    printf '%s\t%s\t%s\t%s\n' "$i" "$started" "$EPOCHREALTIME" "$status" >>"$work/runs/index.tsv"
    # A run that could not start (PostgreSQL away) returns at once: no busy loop meanwhile.
    if [ "$status" = 2 ]; then sleep 1; fi
}
(
    i=0
    while [ "$EPOCHSECONDS" -lt "$load_end" ]; do
        i=$((i + 1))
        collect "$i"
    done
    printf '%s\n' "$i" >"$work/runs/last"
) &
collector_loop=$!
background+=("$collector_loop")

# --- faults ------------------------------------------------------------------------------------
# The plan: PostgreSQL down once, somewhere between 35 % and 55 % of the run; sshd faults one
# at a time before and after it, 8-25 s each with 3-10 s between; none in the last 20 s.
db_at=$((load_started + soak_seconds * (35 + RANDOM % 21) / 100))
faults_end=$((load_end - 20))
# Sleeps until epoch $1, in the background so that a signal ends the wait at once.
sleeper=""
sleep_until() {
    local now=$EPOCHSECONDS
    [ "$1" -gt "$now" ] || return 0
    sleep $(($1 - now)) &
    sleeper=$!
    wait "$sleeper" || true
    sleeper=""
}

database_fault() {
    fault_log begin postgres PostgreSQL "stop for ${db_down} s"
    "$root/deploy/local/postgres.sh" stop >>"$work/faults.out" 2>&1 || fault_log note postgres stop "pg_ctl stop failed"
    fault_log note postgres stopped
    sleep "$db_down"
    fault_log note postgres start
    "$root/deploy/local/postgres.sh" start >>"$work/faults.out" 2>&1 || fault_log note postgres start "deploy/local/postgres.sh start failed"
    fault_log end postgres PostgreSQL started
    local healthy="" live=""
    for _ in $(seq 600); do
        if [ -z "$healthy" ] && curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$API_PORT/api/health" 2>/dev/null; then
            healthy=1
            fault_log note api healthy "the api answers /api/health 200 again"
        fi
        if [ -n "$healthy" ] && curl -fsS --max-time 2 "http://127.0.0.1:$API_PORT/api/health" 2>/dev/null | grep -q '"cache":"live"'; then
            live=1
            fault_log note api cache-live "the api serves from its change-notified cache again"
            break
        fi
        sleep 0.1
    done
    [ -n "$live" ] || fault_log note api not-recovered "the api did not report cache live within 60 s of PostgreSQL's start"
}

# ssh_fault KIND SECONDS GROUP…: stops (SIGTERM, then a restart) or hangs (SIGSTOP, then
# SIGCONT) the sshd of each GROUP for SECONDS.
ssh_fault() {
    local kind=$1 seconds=$2 k pid
    shift 2
    local hit=()
    for k in "$@"; do
        pid=$(group_pid "$k") || { fault_log note "sshd-$kind" "sshd.$k" "not running; skipped"; continue; }
        fault_log begin "sshd-$kind" "sshd.$k" "$(group_addresses "$k")"
        if [ "$kind" = stop ]; then
            kill -TERM "$pid"
            for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
        else
            kill -STOP "$pid"
        fi
        hit+=("$k:$pid")
    done
    sleep "$seconds"
    for k in "${hit[@]}"; do
        pid=${k#*:}
        k=${k%%:*}
        if [ "$kind" = stop ]; then
            if restart_group "$k"; then fault_log end sshd-stop "sshd.$k" "restarted"; else fault_log end sshd-stop "sshd.$k" "RESTART FAILED"; fi
        else
            kill -CONT "$pid"
            fault_log end sshd-hang "sshd.$k" "resumed"
        fi
    done
}

(
    next=$((load_started + 5 + RANDOM % 10))
    db_done=0
    while :; do
        length=$((8 + RANDOM % 18))
        if [ "$db_done" = 0 ] && [ $((next + length + 5)) -ge "$db_at" ]; then
            sleep_until "$db_at"
            database_fault
            db_done=1
            next=$((EPOCHSECONDS + 3 + RANDOM % 8))
            continue
        fi
        [ $((next + length)) -le "$faults_end" ] || break
        sleep_until "$next"
        # One to three sshd processes (with SD_TEST_SSH_PER_SSHD=1, as make soak runs it:
        # one to three hosts), all stopped or all hung.
        picked=" "
        for _ in $(seq $((1 + RANDOM % 3))); do
            k=${groups[RANDOM % ${#groups[@]}]}
            [[ $picked == *" $k "* ]] || picked="$picked$k "
        done
        if [ $((RANDOM % 2)) = 0 ]; then kind=stop; else kind=hang; fi
        # shellcheck disable=SC2086 # a space-separated list of groups
        ssh_fault "$kind" "$length" $picked
        next=$((EPOCHSECONDS + 3 + RANDOM % 8))
    done
    if [ "$db_done" = 0 ]; then sleep_until "$db_at"; database_fault; fi
) &
injector=$!
background+=("$injector")

sleep_until $((load_started + 15))
sample_resources
phase warm
sleep_until $((load_end - 3))
sample_resources
phase load-end
wait "$injector" || true
wait "$collector_loop" || true
for pid in "${background[@]}"; do wait "$pid" 2>/dev/null || true; done
background=()
say "load and faults over; $(cat "$work/runs/last" 2>/dev/null || echo '?') collections ran"

# --- after the load: one clean collection, then what it left -------------------------------------
final=$(($(cat "$work/runs/last" 2>/dev/null || echo 0) + 1))
collect "$final"
phase final-run-end
sleep 2
sample_resources
phase settled
# SSH sessions: established TCP connections to the test hosts' port (either side), and the sshd
# processes serving them.
ss -Htnp state established "( sport = :$ssh_port or dport = :$ssh_port )" >"$work/ssh-connections.txt" 2>/dev/null || true
ss -Htn state all "( sport = :$ssh_port or dport = :$ssh_port )" >"$work/ssh-sockets.txt" 2>/dev/null || true
: >"$work/ssh-sessions.txt"
for k in "${groups[@]}"; do
    if pid=$(group_pid "$k"); then ps -o pid=,args= --ppid "$pid" >>"$work/ssh-sessions.txt" || true; fi
done
samples_after=$(sql "SELECT count(*) FROM server_metrics")
sql "SELECT s.name, extract(epoch FROM max(m.collected_at)) FROM servers s JOIN server_metrics m ON m.server_id = s.id GROUP BY s.name" >"$work/db-latest.txt"
curl -sS --max-time 10 "$base/api/servers/metrics/latest" >"$work/api-latest.json" 2>/dev/null || true
curl -sS --max-time 10 "$base/api/health" >"$work/api-health.json" 2>/dev/null || true
sql "SELECT state, count(*) FROM collection_runs GROUP BY state ORDER BY state" >"$work/db-runs.txt" || true
phase end

SOAK_WORK=$work SOAK_SAMPLES_BEFORE=$samples_before SOAK_SAMPLES_AFTER=$samples_after \
    SOAK_HOSTS=${#hosts[@]} SOAK_DB_GRACE=$db_grace SOAK_RSS_GROWTH_MB=$rss_growth SOAK_FD_GROWTH=$fd_growth \
    SOAK_SSH_PORT=$ssh_port SOAK_SECONDS=$soak_seconds SOAK_SEED=$seed \
    python3 "$here/soak-report.py"

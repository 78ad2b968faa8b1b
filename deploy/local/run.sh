#!/usr/bin/env bash
# `make run`: the whole product natively, no Docker. In order:
#   1. the Debian packages it needs (scripts/install-deps.sh; RUN_SKIP_DEPS=1 skips)
#   2. release binaries (`swift build -c release`, incremental; RUN_SKIP_BUILD=1 skips)
#   3. a PostgreSQL cluster under RUN_DIR/postgres, made the first time (deploy/local/postgres.sh);
#      RUN_DIR is <project>/.run, or, as root in a clone other users cannot enter (mode 0700
#      above it), /var/lib/server-dashboard/<clone>-<hash>/ with .run a symlink to it
#      (deploy/local/common.sh)
#   4. RUN_DIR/env: the effective DATABASE_URL (the collector's role), API_DATABASE_URL (the
#      api's read-only role), SPOOL_DIR [RUN_DIR/spool], DASHBOARD_URL [nginx's address, when
#      not set] and listeners for the services (mode 600); the user's .env is only read, never
#      written. Every other setting (NOTIFY_*, ALERT_*, ...) reaches the collector as given: it
#      inherits this environment and reads the env file itself (--env-file)
#   5. `collector migrate`, then api (127.0.0.1:API_PORT), frontend-renderer
#      (127.0.0.1:FRONTEND_PORT) and nginx (NGINX_LISTEN_ADDRESS:HTTP_PORT), each detached
#      with its pid in RUN_DIR/pids and its output in RUN_DIR/logs
#   6. the schedule (deploy/local/scheduler.sh): a collection now, then every
#      COLLECTION_INTERVAL_MINUTES; waits for the first one (at most RUN_FIRST_RUN_WAIT [90] s)
#
# Settings come from the environment, then the env file (.env, or .env.example when there is
# none), then the defaults (deploy/local/common.sh lists them). This machine (SERVERn_HOST=local)
# is monitored even when the inventory has no such entry, unless RUN_MONITOR_LOCAL=0.
#
# Run again while everything is up: it says so and changes nothing (`make stop && make run`
# applies changed settings). When only some services are up (one crashed or was stopped), it
# starts the missing ones and leaves the others alone.
set -eu
# shellcheck source=deploy/local/common.sh
. "$(dirname "$0")/common.sh"

http_port=$(port_setting HTTP_PORT 8080)
api_port=$(port_setting API_PORT 5000)
frontend_port=$(port_setting FRONTEND_PORT 3000)
listen_address=$(setting NGINX_LISTEN_ADDRESS 127.0.0.1)
case $listen_address in
    0.0.0.0 | '*' | 127.0.0.1) url_host=localhost probe_host=127.0.0.1 ;;
    *) url_host=$listen_address probe_host=$listen_address ;;
esac
url="http://$url_host:$http_port"
if [ "$http_port" = "$api_port" ] || [ "$http_port" = "$frontend_port" ] || [ "$api_port" = "$frontend_port" ]; then
    die "HTTP_PORT ($http_port), API_PORT ($api_port) and FRONTEND_PORT ($frontend_port) must differ"
fi
[ -f "$env_file" ] || die "settings file $env_file not found (RUN_ENV_FILE)"

summary() {
    say ""
    say "Server Dashboard is running: $url"
    say "  logs:  $logs_dir/ (api.log, frontend-renderer.log, collector.log, nginx-*.log, postgres.log)"
    say "  state: $run_dir/ (PostgreSQL data, pids; kept by 'make stop'; 'make clean' deletes it)"
    if [ -n "$run_dir_reason" ]; then say "         ($run_dir_reason)"; fi
    say "  stop:  make stop"
}

# --- already running? -----------------------------------------------------------------
up=()
down=()
for service in "${services[@]}"; do
    if running_pid "$service" >/dev/null; then up+=("$service"); else down+=("$service"); fi
done
if [ ${#down[@]} -eq 0 ] && postgres_running; then
    say "Server Dashboard is already running (pids in $pids_dir); nothing to do."
    say "To apply changed settings: make stop && make run"
    summary
    exit 0
fi
if [ ${#up[@]} -gt 0 ]; then
    say "already running: ${up[*]}; starting what is not: ${down[*]}"
fi

# Ports of what is about to start must be free (a clear message beats a bind error in a log).
wanted() { [[ " ${down[*]} " == *" $1 "* ]]; }
if wanted api; then require_free_port "$api_port" API_PORT; fi
if wanted frontend-renderer; then require_free_port "$frontend_port" FRONTEND_PORT; fi
if wanted nginx; then require_free_port "$http_port" HTTP_PORT; fi

# --- packages and binaries ------------------------------------------------------------
if [ "${RUN_SKIP_DEPS:-0}" != 1 ]; then
    "$root/scripts/install-deps.sh"
fi
if [ "${RUN_SKIP_BUILD:-0}" != 1 ]; then
    say "building release binaries (swift build -c release; the first build takes several minutes)"
    build_log=$(mktemp)
    if ! (cd "$root" && swift build -c release --product collector >"$build_log" 2>&1 &&
        swift build -c release --product api >>"$build_log" 2>&1 &&
        swift build -c release --product frontend-renderer >>"$build_log" 2>&1); then
        tail -n 40 "$build_log" >&2
        rm -f "$build_log"
        die "the build failed (above)"
    fi
    rm -f "$build_log"
fi
for program in collector api frontend-renderer; do
    [ -x "$bin_dir/$program" ] || die "$bin_dir/$program not found — build it (swift build -c release) or set RUN_BIN_DIR"
done
nginx_bin=$(command -v nginx || true)
[ -x "$nginx_bin" ] || nginx_bin=/usr/sbin/nginx
[ -x "$nginx_bin" ] || die "nginx not found — install it (scripts/install-deps.sh installs nginx-light)"

# --- PostgreSQL and the services' environment --------------------------------------------
if [ -n "$run_dir_reason" ]; then say "$run_dir_reason"; fi
prepare_run_dir
# Outside the clone, a .run symlink there points at the state, so it can be found. A .run
# folder that an earlier attempt left (it could not start PostgreSQL there, so it holds no
# cluster) gives way to it.
if [ -n "$run_dir_reason" ] && [ "$(readlink -m "$root/.run")" != "$run_dir" ]; then
    if [ -d "$root/.run" ] && [ ! -L "$root/.run" ] && [ ! -f "$root/.run/postgres/data/PG_VERSION" ]; then
        rm -rf "$root/.run"
        say "removed $root/.run/, left by an earlier attempt that could not start PostgreSQL there"
    fi
    if [ -L "$root/.run" ] || [ ! -e "$root/.run" ]; then
        ln -sfn "$run_dir" "$root/.run"
        say "$root/.run -> $run_dir"
    fi
fi
postgres_was_running=0
if postgres_running; then postgres_was_running=1; fi
"$root/deploy/local/postgres.sh" start
database_url=$("$root/deploy/local/postgres.sh" url)
api_database_url=$("$root/deploy/local/postgres.sh" api-url)

# This machine, unless the inventory already has it (or RUN_MONITOR_LOCAL=0).
local_entry=""
if [ "$(setting RUN_MONITOR_LOCAL 1)" != 0 ]; then
    highest=0
    has_local=0
    names=" "
    keys=$( (env; [ -f "$env_file" ] && cat "$env_file") | sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}SERVER\([0-9]\{1,\}\)_\(HOST\|NAME\)[[:space:]]*=.*/\2 \3/p' | sort -u)
    while read -r n field; do
        [ -n "${n:-}" ] || continue
        n=$((10#$n))
        [ "$n" -gt "$highest" ] && highest=$n
        value=$(setting "SERVER${n}_$field")
        if [ "$field" = HOST ] && [ "$value" = local ]; then has_local=1; fi
        if [ "$field" = NAME ]; then names="$names$value "; fi
    done <<<"$keys"
    if [ "$has_local" = 0 ]; then
        n=$((highest + 1))
        name=this-machine
        [[ $names != *" $name "* ]] || name="this-machine-$(hostname -s 2>/dev/null || echo local)"
        local_entry="export SERVER${n}_NAME='$name'
export SERVER${n}_HOST=local"
    fi
fi

# What every service and collector run gets on top of the env file (the environment wins
# over the file, so these override whatever .env says about them).
(
    umask 077
    cat >"$run_dir/env.new" <<ENV
# Written by deploy/local/run.sh on every start; the settings of the native stack that
# override $env_file. Holds the database password: mode 600, not for sharing.
# Use it by hand:  set -a; . $run_dir/env; set +a; $bin_dir/collector check --env-file $env_file
export DATABASE_URL='$database_url'
export API_DATABASE_URL='$api_database_url'
export SPOOL_DIR='$(setting SPOOL_DIR "$run_dir/spool")'
export API_HOST=127.0.0.1
export API_PORT=$api_port
export FRONTEND_HOST=127.0.0.1
export FRONTEND_PORT=$frontend_port
export API_URL=http://127.0.0.1:$api_port
$(setting_given DASHBOARD_URL || printf "export DASHBOARD_URL='%s/'" "$url")
$local_entry
ENV
)
mv "$run_dir/env.new" "$run_dir/env"
chmod 600 "$run_dir/env"
set -a
# shellcheck disable=SC1091 # written just above
. "$run_dir/env"
set +a

# --- the services -------------------------------------------------------------------
cleanup_on_failure() {
    say "make run failed; stopping what it started" >&2
    local parts=("${down[@]}")
    if [ "$postgres_was_running" = 0 ]; then parts+=(postgres); fi
    "$root/deploy/local/stop.sh" "${parts[@]}" >&2 || true
}

# Waits until URL $2 answers 200 while service $1 runs; on failure shows its log and stops.
wait_healthy() {
    local name=$1 probe=$2 log=$3
    for _ in $(seq 300); do
        if curl -fsS -o /dev/null --max-time 2 "$probe" 2>/dev/null; then return 0; fi
        running_pid "$name" >/dev/null || break
        sleep 0.2
    done
    tail -n 20 "$log" >&2 || true
    cleanup_on_failure
    die "$name did not become healthy at $probe (its log above: $log)"
}

if wanted api || wanted scheduler; then
    say "applying database migrations"
    "$bin_dir/collector" migrate --env-file "$env_file" >>"$logs_dir/collector.log" 2>&1 ||
        { tail -n 20 "$logs_dir/collector.log" >&2; die "collector migrate failed (above; $logs_dir/collector.log)"; }
fi

if wanted api; then
    launch api "$logs_dir/api.log" "$bin_dir/api" --env-file "$env_file"
    wait_healthy api "http://127.0.0.1:$api_port/api/health" "$logs_dir/api.log"
    say "api on 127.0.0.1:$api_port"
fi
if wanted frontend-renderer; then
    launch frontend-renderer "$logs_dir/frontend-renderer.log" "$bin_dir/frontend-renderer" --env-file "$env_file"
    wait_healthy frontend-renderer "http://127.0.0.1:$frontend_port/healthz" "$logs_dir/frontend-renderer.log"
    say "frontend-renderer on 127.0.0.1:$frontend_port"
fi
if wanted nginx; then
    HTTP_PORT=$http_port NGINX_LISTEN_ADDRESS=$listen_address \
        API_UPSTREAM=127.0.0.1:$api_port FRONTEND_UPSTREAM=127.0.0.1:$frontend_port \
        NGINX_DAEMON=off NGINX_RUNTIME_DIR=$nginx_dir/run \
        NGINX_ERROR_LOG=$logs_dir/nginx-error.log NGINX_ACCESS_LOG=$logs_dir/nginx-access.log \
        BASIC_AUTH_USER=$(setting BASIC_AUTH_USER) BASIC_AUTH_PASSWORD=$(setting BASIC_AUTH_PASSWORD) \
        "$root/nginx/render.sh" "$nginx_dir" >/dev/null
    "$nginx_bin" -t -q -e "$logs_dir/nginx-error.log" -c "$nginx_dir/nginx.conf" ||
        die "nginx rejects $nginx_dir/nginx.conf (see above and $logs_dir/nginx-error.log)"
    launch nginx "$logs_dir/nginx.log" "$nginx_bin" -e "$logs_dir/nginx-error.log" -c "$nginx_dir/nginx.conf"
    wait_healthy nginx "http://$probe_host:$http_port/nginx-health" "$logs_dir/nginx-error.log"
    auth=""
    [ -z "$(setting BASIC_AUTH_USER)" ] || auth=" (basic auth on)"
    say "nginx on $listen_address:$http_port$auth"
fi
if wanted scheduler; then
    rm -f "$state_dir/last-run"
    launch scheduler "$logs_dir/collector.log" "$root/deploy/local/scheduler.sh" "$env_file"
    say "collecting now, then every $(setting COLLECTION_INTERVAL_MINUTES 15) min (log: $logs_dir/collector.log)"
    wait_for=${RUN_FIRST_RUN_WAIT:-90}
    for _ in $(seq $((wait_for * 5))); do
        [ -s "$state_dir/last-run" ] && break
        running_pid scheduler >/dev/null || { tail -n 20 "$logs_dir/collector.log" >&2; cleanup_on_failure; die "the scheduler stopped (log above)"; }
        sleep 0.2
    done
    if [ -s "$state_dir/last-run" ]; then
        read -r status _ <"$state_dir/last-run"
        # the collector's own summary: the last line it printed before the scheduler's footer
        result=$(grep -v '^== ' "$logs_dir/collector.log" | tail -n 1)
        case $status in
            0) say "first collection done: $result" ;;
            1) say "first collection done, some servers failed: $result (details: $logs_dir/collector.log)" ;;
            *) say "first collection could not run (exit $status); see $logs_dir/collector.log" ;;
        esac
    else
        say "the first collection is still running after ${wait_for} s; follow it in $logs_dir/collector.log"
    fi
fi
summary

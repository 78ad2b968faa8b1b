# shellcheck shell=bash
# Shared by deploy/local/*.sh (sourced, not run): where the native stack keeps its state,
# how settings are read, and how its processes are started, recognised and stopped.
#
# Settings, each from the environment first, then the env file, then the default:
#   RUN_DIR [<project>/.run, see below]   state: PostgreSQL cluster, pids, logs, nginx config
#   RUN_ENV_FILE [.env, else .env.example]   the settings file the services read
#   RUN_BIN_DIR [<project>/.build/release]   where collector, api and frontend-renderer are
#   HTTP_PORT [8080]  API_PORT [5000]  FRONTEND_PORT [3000]  RUN_POSTGRES_PORT [55432]
#   NGINX_LISTEN_ADDRESS [127.0.0.1]  COLLECTION_INTERVAL_MINUTES [15]
#
# Where the state lives when RUN_DIR is not given: <project>/.run — unless we run as root and
# the project sits in a folder other users cannot enter (root's home, a `mktemp -d` folder:
# mode 0700), where the postgres user and nginx's workers could not reach it. Then the state
# lives in $shared_state_root/<project folder's name>-<8 hex digits of the sha256 of its absolute
# path>/ (one folder per clone, mode 0755, owned by root; deploy/local/run.sh leaves a symlink
# .run pointing there). A .run symlink is followed (its target is used, resolved), and a .run
# folder that already holds a cluster keeps being used. docs/operations.md, "Native".

# shellcheck disable=SC2034 # the variables below are used by the scripts that source this one
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared_state_root=/var/lib/server-dashboard

# Whether every folder from / down to $1 lets other users through (the x bit for "others";
# ACLs are not looked at).
others_can_enter() {
    local dir=$1 mode
    while :; do
        mode=$(stat -L -c %a "$dir" 2>/dev/null) || return 1
        [ $((8#$mode & 1)) = 1 ] || return 1
        [ "$dir" = / ] && return 0
        dir=$(dirname "$dir")
    done
}

# This clone's folder under $shared_state_root.
shared_run_dir() {
    local name hash
    name=$(basename "$root" | tr -c 'A-Za-z0-9._\n-' '_')
    hash=$(cd "$root" && pwd -P | tr -d '\n' | sha256sum | cut -c1-8)
    printf '%s/%s-%s' "$shared_state_root" "$name" "$hash"
}

# run_dir_reason is set (for `make run` to say) when the state lives outside the clone
# because the clone is out of the service users' reach.
run_dir_reason=""
if [ -n "${RUN_DIR:-}" ]; then
    run_dir=$RUN_DIR
    case $run_dir in /*) ;; *) run_dir=$PWD/$run_dir ;; esac
else
    run_dir=$root/.run
    if [ -L "$run_dir" ]; then
        run_dir=$(readlink -m "$run_dir")
    elif [ "$(id -u)" = 0 ] && ! others_can_enter "$root" && [ ! -f "$run_dir/postgres/data/PG_VERSION" ]; then
        run_dir=$(shared_run_dir)
    fi
    if [ "$run_dir" = "$(shared_run_dir)" ] && ! others_can_enter "$root"; then
        run_dir_reason="the clone is in a folder the postgres user cannot enter, so the state lives in $run_dir/"
    fi
fi
pids_dir=$run_dir/pids
logs_dir=$run_dir/logs
pg_dir=$run_dir/postgres
nginx_dir=$run_dir/nginx
state_dir=$run_dir/state
bin_dir=${RUN_BIN_DIR:-$root/.build/release}

if [ -n "${RUN_ENV_FILE:-}" ]; then
    env_file=$RUN_ENV_FILE
elif [ -f "$root/.env" ]; then
    env_file=$root/.env
else
    env_file=$root/.env.example
fi
case $env_file in /*) ;; *) env_file=$PWD/$env_file ;; esac

# Creates the state folder and its sub-folders, mode 0755 whatever the umask (the postgres user
# and nginx's workers go through them), and under $shared_state_root that folder too.
prepare_run_dir() {
    case $run_dir in "$shared_state_root"/*) install -d -m 755 "$shared_state_root" ;; esac
    install -d -m 755 "$run_dir"
    chmod 755 "$run_dir"
    install -d -m 755 "$logs_dir" "$pids_dir" "$state_dir" "$nginx_dir"
}

# The services, in start order (PostgreSQL comes first and is handled apart).
services=(api frontend-renderer nginx scheduler)

die() {
    printf '%s: %s\n' "${script_name:-make run}" "$*" >&2
    exit 1
}

say() {
    printf '%s\n' "$*"
}

# The value of KEY in the env file (the last assignment wins), quotes removed; empty if absent.
file_setting() {
    local key=$1 line value found=""
    [ -f "$env_file" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line#"${line%%[![:space:]]*}"}
        line=${line#export }
        case $line in "$key"=* | "$key "=*) ;; *) continue ;; esac
        value=${line#*=}
        value=${value#"${value%%[![:space:]]*}"}
        case $value in
            \"*\") value=${value#\"}; value=${value%\"} ;;
            \'*\') value=${value#\'}; value=${value%\'} ;;
            *) value=${value%% #*}; value=${value%"${value##*[![:space:]]}"} ;;
        esac
        found=$value
    done <"$env_file"
    printf '%s' "$found"
}

# The effective value of KEY: the environment, else the env file, else DEFAULT.
setting() {
    local key=$1 default=${2:-} value
    if [ -n "${!key+x}" ]; then
        printf '%s' "${!key}"
        return
    fi
    value=$(file_setting "$key")
    printf '%s' "${value:-$default}"
}

# Whether KEY was given explicitly (environment or env file), not defaulted.
setting_given() {
    [ -n "${!1+x}" ] || [ -n "$(file_setting "$1")" ]
}

port_setting() {
    local key=$1 value
    value=$(setting "$key" "$2")
    case $value in
        '' | *[!0-9]*) die "$key must be a port number, got '$value' (in the environment or $env_file)" ;;
    esac
    if [ "$value" -lt 1 ] || [ "$value" -gt 65535 ]; then die "$key must be 1-65535, got $value"; fi
    printf '%s' "$value"
}

# Whether something listens on TCP port $1 (any address).
port_in_use() {
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

# Who listens on port $1, when it can be told ("nginx" pid 123), for error messages.
port_owner() {
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -n 1 |
        sed 's/users:(("\([^"]*\)",pid=\([0-9]*\)/\1, pid \2/' || true
}

# Fails with a message naming the port and the setting to change when port $1 is taken.
require_free_port() {
    local port=$1 key=$2 owner
    if port_in_use "$port"; then
        owner=$(port_owner "$port")
        die "port $port is already in use${owner:+ (by $owner)} — set $key to a free port in .env or the environment, e.g. $key=$((port + 1)) make run"
    fi
}

# The start time of process $1 (field 22 of /proc/PID/stat, clock ticks since boot); empty if gone.
start_time() {
    local stat
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
    stat=${stat##*) }
    # shellcheck disable=SC2086 # split the fields after the command name
    set -- $stat
    printf '%s' "${20}"
}

# The command line of process $1, arguments separated by spaces.
command_line() {
    { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null || true
}

# The pid of service $1 when the process recorded in pids/$1.pid is still the one that was
# started (same pid, same start time, a command line naming what was started); else fails.
running_pid() {
    local name=$1 file=$pids_dir/$1.pid pid started expected state
    [ -f "$file" ] || return 1
    read -r pid started expected <"$file" || true
    [[ ${pid:-} =~ ^[0-9]+$ ]] || return 1
    [ "$(start_time "$pid")" = "${started:-}" ] || return 1
    { read -r state <"/proc/$pid/stat"; } 2>/dev/null || return 1
    state=${state##*) }
    [ "${state%% *}" != Z ] || return 1
    [[ $(command_line "$pid") == *"${expected:-/}"* ]] || return 1
    printf '%s' "$pid"
}

# Starts service $1 detached (own session, no terminal, output appended to log $2) running
# the command after them, and records "PID START-TIME PROGRAM" in pids/$1.pid.
launch() {
    local name=$1 log=$2 pid i
    shift 2
    mkdir -p "$pids_dir"
    rm -f "$pids_dir/$name.pid" "$pids_dir/$name.pid.new"
    # The inner bash writes its own pid, then becomes the program (exec keeps the pid).
    # shellcheck disable=SC2016 # expanded by the inner bash
    setsid nohup bash -c 'echo "$$" >"$0.new" && exec "$@"' "$pids_dir/$name.pid" "$@" >>"$log" 2>&1 </dev/null &
    for i in $(seq 100); do
        [ -s "$pids_dir/$name.pid.new" ] && break
        sleep 0.05
    done
    pid=$(cat "$pids_dir/$name.pid.new" 2>/dev/null || true)
    rm -f "$pids_dir/$name.pid.new"
    [[ $pid =~ ^[0-9]+$ ]] || die "$name did not start; see $log"
    # wait for the exec, so the recorded command line is the program's
    for i in $(seq 100); do
        [[ $(command_line "$pid") == *"$1"* ]] && break
        [ -d "/proc/$pid" ] || break
        sleep 0.02
    done
    printf '%s %s %s\n' "$pid" "$(start_time "$pid")" "$1" >"$pids_dir/$name.pid"
}

# Stops service $1 if it is still the process that was started: SIGTERM (nginx: SIGQUIT,
# its graceful stop), then SIGKILL after 20 s. Removes its pid file either way.
stop_service() {
    local name=$1 pid signal=TERM
    if pid=$(running_pid "$name"); then
        [ "$name" = nginx ] && signal=QUIT
        kill "-$signal" "$pid" 2>/dev/null || true
        for _ in $(seq 200); do
            running_pid "$name" >/dev/null || break
            sleep 0.1
        done
        if running_pid "$name" >/dev/null; then
            say "$name (pid $pid) did not stop within 20 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
        fi
        say "stopped $name (pid $pid)"
    elif [ -f "$pids_dir/$name.pid" ]; then
        say "$name was not running (stale pid file removed)"
    fi
    rm -f "$pids_dir/$name.pid"
}

# PostgreSQL's server programs (pg_ctl, initdb, psql) for the newest installed major version.
pg_bin_dir() {
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$dir/pg_ctl" ] || die "PostgreSQL server programs not found under /usr/lib/postgresql — install the 'postgresql' package (scripts/install-deps.sh)"
    printf '%s' "$dir"
}

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root),
# from / (the current folder may be one the postgres user cannot enter; every path is absolute).
as_postgres() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Whether our cluster is running.
postgres_running() {
    [ -f "$pg_dir/data/PG_VERSION" ] && as_postgres "$(pg_bin_dir)/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1
}

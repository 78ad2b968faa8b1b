#!/usr/bin/env bash
# The native stack's PostgreSQL cluster, under RUN_DIR/postgres (owned by the postgres user
# when run as root, since PostgreSQL refuses to run as root; RUN_DIR is chosen where that user
# can reach it, deploy/local/common.sh).
#
#   deploy/local/postgres.sh start   create the cluster the first time (role "dashboard",
#                                    database "server_db", a generated password kept in
#                                    RUN_DIR/db-password, mode 600), then start it on
#                                    127.0.0.1:RUN_POSTGRES_PORT [55432, or the next free port];
#                                    on every start, the api's read-only role "dashboard_api"
#                                    (services/postgres/api-role.sql; password in
#                                    RUN_DIR/db-api-password)
#   deploy/local/postgres.sh stop    pg_ctl stop (fast); the data stays for the next start
#   deploy/local/postgres.sh url     print the DATABASE_URL for the collector (holds the password)
#   deploy/local/postgres.sh api-url print the api's read-only API_DATABASE_URL (holds its password)
#
# Only 127.0.0.1 is listened on, and the Unix socket lives in RUN_DIR/postgres/socket
# (mode 700), so only this machine's root and postgres users can reach it.
set -eu
# shellcheck source=deploy/local/common.sh
. "$(dirname "$0")/common.sh"

pg_bin=$(pg_bin_dir)

# Chooses the port: RUN_POSTGRES_PORT when given (it must be free), else the one used last
# time, else 55432, moving to the next free port when that one is taken.
choose_port() {
    local port
    if setting_given RUN_POSTGRES_PORT; then
        port=$(port_setting RUN_POSTGRES_PORT 55432)
        require_free_port "$port" RUN_POSTGRES_PORT
        printf '%s' "$port"
        return
    fi
    port=$(cat "$pg_dir/port" 2>/dev/null || echo 55432)
    local last=$((port + 100))
    while port_in_use "$port"; do
        port=$((port + 1))
        [ "$port" -le "$last" ] || die "no free port for PostgreSQL between $((last - 100)) and $last — set RUN_POSTGRES_PORT to a free port"
    done
    printf '%s' "$port"
}

# Makes a folder owned by the postgres user (when root), mode $2.
postgres_folder() {
    mkdir -p "$1"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$1"; fi
    chmod "$2" "$1"
}

start() {
    prepare_run_dir
    postgres_folder "$pg_dir" 700
    if [ "$(id -u)" = 0 ] && ! as_postgres test -w "$pg_dir"; then
        if [ -n "${RUN_DIR:-}" ]; then
            die "the postgres user cannot reach $pg_dir: every folder above it must be searchable by others (chmod o+x), or set RUN_DIR to such a place"
        fi
        die "the postgres user cannot reach $pg_dir: every folder above it must be searchable by others (chmod o+x); or move $run_dir to $(shared_run_dir) (leave a symlink .run to it), or set RUN_DIR"
    fi
    if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
        say "creating the PostgreSQL cluster in $pg_dir/data"
        rm -rf "$pg_dir/data"
        # Local (socket) connections are trusted: the socket folder is readable by postgres only.
        as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 >"$logs_dir/initdb.log" 2>&1 ||
            { cat "$logs_dir/initdb.log" >&2; die "initdb failed (above; also in $logs_dir/initdb.log)"; }
    fi
    postgres_folder "$pg_dir/socket" 700
    touch "$logs_dir/postgres.log"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$logs_dir/postgres.log"; fi

    if ! postgres_running; then
        local port
        port=$(choose_port)
        as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$logs_dir/postgres.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir/socket" start >/dev/null ||
            { tail -n 20 "$logs_dir/postgres.log" >&2; die "PostgreSQL did not start (above; $logs_dir/postgres.log)"; }
        printf '%s\n' "$port" >"$pg_dir/port.new"
        mv "$pg_dir/port.new" "$pg_dir/port"
    fi
    local port
    port=$(cat "$pg_dir/port")

    # The dashboard role's password: made once, kept in RUN_DIR (600), never printed.
    if [ ! -s "$run_dir/db-password" ]; then
        (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$run_dir/db-password.new")
        mv "$run_dir/db-password.new" "$run_dir/db-password"
    fi
    chmod 600 "$run_dir/db-password"
    local password
    password=$(cat "$run_dir/db-password")
    # Idempotent; the password goes in on standard input (printf is a builtin), never argv.
    printf "SELECT format('CREATE ROLE dashboard LOGIN PASSWORD %%L', '%s') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dashboard')\\\\gexec
ALTER ROLE dashboard PASSWORD '%s';
SELECT 'CREATE DATABASE server_db OWNER dashboard' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'server_db')\\\\gexec
" "$password" "$password" |
        as_postgres "$pg_bin/psql" -X -q -h "$pg_dir/socket" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null ||
        die "could not create the dashboard role and database; see $logs_dir/postgres.log"

    # The api's read-only role: its own generated password, the SQL every deployment uses.
    if [ ! -s "$run_dir/db-api-password" ]; then
        (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$run_dir/db-api-password.new")
        mv "$run_dir/db-api-password.new" "$run_dir/db-api-password"
    fi
    chmod 600 "$run_dir/db-api-password"
    # All on standard input: the password never in argv (printf is a builtin; it is
    # alphanumeric, so \set takes it as is), and psql runs as the postgres user, which may
    # not reach the project folder.
    {
        # (its NOTICEs on a restart, "role … is already a member", are not news)
        printf 'SET client_min_messages = warning;\n'
        printf '\\set api_user dashboard_api\n\\set api_password %s\n' "$(cat "$run_dir/db-api-password")"
        cat "$root/services/postgres/api-role.sql"
    } | as_postgres "$pg_bin/psql" -X -q -h "$pg_dir/socket" -p "$port" -U postgres -d server_db >/dev/null ||
        die "could not create the api's read-only role; see $logs_dir/postgres.log"
}

stop() {
    if postgres_running; then
        as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 60 stop >/dev/null
        say "stopped PostgreSQL"
    fi
}

url() {
    if [ ! -s "$run_dir/db-password" ] || [ ! -s "$pg_dir/port" ]; then die "no cluster in $pg_dir yet: run 'make run'"; fi
    printf 'postgresql://dashboard:%s@127.0.0.1:%s/server_db\n' "$(cat "$run_dir/db-password")" "$(cat "$pg_dir/port")"
}

api_url() {
    if [ ! -s "$run_dir/db-api-password" ] || [ ! -s "$pg_dir/port" ]; then die "no cluster in $pg_dir yet: run 'make run'"; fi
    printf 'postgresql://dashboard_api:%s@127.0.0.1:%s/server_db\n' "$(cat "$run_dir/db-api-password")" "$(cat "$pg_dir/port")"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    url) url ;;
    api-url) api_url ;;
    *) echo "usage: $0 start|stop|url|api-url" >&2; exit 2 ;;
esac

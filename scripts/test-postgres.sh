#!/usr/bin/env bash
# Starts, restarts and stops a throwaway PostgreSQL cluster for the test suites.
#
#   scripts/test-postgres.sh start DIR [PORT]   initdb into DIR (if new), start on 127.0.0.1:PORT,
#                                               create role "dashboard" and database "server_db",
#                                               and write DIR/env (SD_TEST_DATABASE_URL, …)
#   scripts/test-postgres.sh stop DIR           stop it (the data stays until DIR is removed)
#   scripts/test-postgres.sh restart DIR        stop and start it again on the same port
#
# PostgreSQL refuses to run as root, so the cluster runs as the "postgres" user and DIR
# must be somewhere that user can reach (e.g. under /tmp).
set -eu

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop|restart DIR [PORT]" >&2
    exit 2
fi
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac

bindir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_ctl" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql — install the 'postgresql' package (scripts/install-deps.sh)" >&2; exit 1; }

# From / : the current folder may be one the postgres user cannot enter (a clone in a mode-0700
# folder); every path given is absolute.
as_postgres() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

start() {
    local port=${1:-55432}
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        local password
        password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
        printf '%s\n' "$password" > "$dir/superuser-password"
        chmod 600 "$dir/superuser-password"
        if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir/superuser-password"; fi
        as_postgres "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/superuser-password" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
        echo "$port" > "$dir/port"
    fi
    port=$(cat "$dir/port")
    mkdir -p "$dir/socket"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir/socket" "$dir/port"; fi
    if ! as_postgres "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            start >/dev/null
    fi
    local password
    password=$(cat "$dir/superuser-password")
    if [ ! -f "$dir/dashboard-password" ]; then
        head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20 > "$dir/dashboard-password"
        chmod 600 "$dir/dashboard-password"
        as_postgres "$bindir/psql" -X -q -h "$dir/socket" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
            -v pw="$(cat "$dir/dashboard-password")" >/dev/null <<'SQL'
CREATE ROLE dashboard LOGIN CREATEDB PASSWORD :'pw';
CREATE DATABASE server_db OWNER dashboard;
SQL
    fi
    cat > "$dir/env" <<ENV
export SD_TEST_PG_DIR='$dir'
export SD_TEST_PG_PORT='$port'
export SD_TEST_DATABASE_URL='postgresql://dashboard:$(cat "$dir/dashboard-password")@127.0.0.1:$port/server_db'
export SD_TEST_ADMIN_DATABASE_URL='postgresql://postgres:$password@127.0.0.1:$port/postgres'
ENV
    chmod 600 "$dir/env"
}

stop() {
    if [ -f "$dir/data/PG_VERSION" ] && as_postgres "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_postgres "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    fi
}

case "$command" in
    start) start "${3:-}" ;;
    stop) stop ;;
    restart) stop; start ;;
    *) echo "usage: $0 start|stop|restart DIR [PORT]" >&2; exit 2 ;;
esac

#!/bin/sh
# Starts PostgreSQL on PGDATA, creating the cluster on first start:
#   POSTGRES_PASSWORD (required on first start)  the password of POSTGRES_USER
#   POSTGRES_USER [dashboard], POSTGRES_DB [server_db]   the collector's role (it owns the
#                                                        database and migrates) and the database
#   API_DB_USER [dashboard_api], API_DB_PASSWORD (required; `make` generates it when .env has
#       none: deploy/compose-env.sh)                     the api's read-only role, made or
#       updated on every start by /usr/local/share/server-dashboard/api-role.sql (docs/operations.md, "Security")
# Clients on the network log in with scram-sha-256; the superuser "postgres" only through
# the local socket. Changing POSTGRES_PASSWORD later does not change the stored password
# (as with the official image): ALTER ROLE, or `make cclean` to start over.
set -eu
: "${PGDATA:?}"
user=${POSTGRES_USER:-dashboard}
db=${POSTGRES_DB:-server_db}
api_user=${API_DB_USER:-dashboard_api}
if [ -z "${API_DB_PASSWORD:-}" ]; then
    echo "postgres-entrypoint: the api's read-only database role needs API_DB_PASSWORD: set it in .env, or start the stack with make (it generates one into .env.generated)" >&2
    exit 2
fi
if [ "$api_user" = "$user" ] || [ "$api_user" = postgres ]; then
    echo "postgres-entrypoint: API_DB_USER must differ from POSTGRES_USER and postgres: the api gets a read-only role of its own" >&2
    exit 2
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "postgres-entrypoint: set POSTGRES_PASSWORD (in .env) for the first start" >&2
        exit 2
    fi
    echo "postgres-entrypoint: creating the cluster in $PGDATA"
    initdb -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    {
        echo "host all all 0.0.0.0/0 scram-sha-256"
        echo "host all all ::/0 scram-sha-256"
    } >>"$PGDATA/pg_hba.conf"
    pg_ctl -D "$PGDATA" -w -s -o "-c listen_addresses=''" start
    # The password goes in as a psql variable, quoted by psql (:'name'), never as SQL text.
    psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres \
        -v user="$user" -v password="$POSTGRES_PASSWORD" -v db="$db" <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"user";
SQL
    pg_ctl -D "$PGDATA" -w -s -m fast stop
    echo "postgres-entrypoint: role $user and database $db created"
fi

# The api's read-only role, on every start: an existing volume gets it too, and a changed
# API_DB_PASSWORD takes effect. Only the local socket is open meanwhile.
pg_ctl -D "$PGDATA" -w -s -o "-c listen_addresses='' -c unix_socket_directories=/run/postgresql" start
psql -X -q -h /run/postgresql -U postgres -d "$db" \
    -v api_user="$api_user" -v api_password="$API_DB_PASSWORD" \
    -f /usr/local/share/server-dashboard/api-role.sql >/dev/null || {
    pg_ctl -D "$PGDATA" -w -s -m fast stop
    echo "postgres-entrypoint: could not create the api's role $api_user (above)" >&2
    exit 1
}
pg_ctl -D "$PGDATA" -w -s -m fast stop
echo "postgres-entrypoint: read-only role $api_user ready for the api"

exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql

#!/usr/bin/env bash
# `make run-db-stats`: what `make db-stats` shows for the compose stack, for the native one —
# rows and size per table, the database size, the latest collection, the last retention
# cleanup (when, who ran it, rows removed; `collector cleanup --status`) and what waits in the
# collector's spool (results PostgreSQL could not take yet; the next run stores them).
set -eu
# shellcheck source=deploy/local/common.sh
. "$(dirname "$0")/common.sh"
script_name="make run-db-stats"

[ -s "$run_dir/env" ] || die "the native stack has not run here yet ($run_dir/env is missing): make run"
set -a
# shellcheck disable=SC1091 # written by deploy/local/run.sh
. "$run_dir/env"
set +a
if postgres_running; then
    "$(pg_bin_dir)/psql" -X -q "$DATABASE_URL" -P pager=off \
        -c "SELECT relname AS table, n_live_tup AS rows, pg_size_pretty(pg_total_relation_size(relid)) AS size FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC" \
        -c "SELECT pg_size_pretty(pg_database_size(current_database())) AS database_size" \
        -c "SELECT started_at AS latest_collection, finished_at, state, servers_total FROM collection_runs ORDER BY started_at DESC LIMIT 1"
    "$bin_dir/collector" cleanup --status --env-file "$env_file"
else
    say "PostgreSQL of the native stack is not running (make run starts it)"
fi
"$bin_dir/collector" spool --env-file "$env_file"

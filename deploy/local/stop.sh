#!/usr/bin/env bash
# `make stop`: ends exactly what deploy/local/run.sh started — each process by the pid it
# recorded in RUN_DIR/pids, and only while that pid is still the process started (same
# start time, same program); then PostgreSQL with pg_ctl. The data, settings and logs stay
# in RUN_DIR for the next `make run` (remove RUN_DIR to start from scratch).
#
#   deploy/local/stop.sh                 everything, PostgreSQL last
#   deploy/local/stop.sh SERVICE…        only these: scheduler, nginx, frontend-renderer, api, postgres
set -eu
script_name="make stop"
# shellcheck source=deploy/local/common.sh
. "$(dirname "$0")/common.sh"

if [ $# -eq 0 ]; then
    set -- scheduler nginx frontend-renderer api postgres
fi
[ -d "$run_dir" ] || { say "nothing to stop: $run_dir does not exist"; exit 0; }
for name in "$@"; do
    case $name in
        postgres) "$root/deploy/local/postgres.sh" stop ;;
        scheduler | nginx | frontend-renderer | api) stop_service "$name" ;;
        *) die "unknown service '$name' (scheduler, nginx, frontend-renderer, api, postgres)" ;;
    esac
done

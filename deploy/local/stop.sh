#!/usr/bin/env bash
# `make stop`: ends exactly what deploy/local/run.sh started — each process by the pid it
# recorded in RUN_DIR/pids, and only while that pid is still the process started (same
# start time, same program); then PostgreSQL with pg_ctl. The data, settings and logs stay
# in RUN_DIR for the next `make run` (remove RUN_DIR to start from scratch).
#
# RUN_DIR is the one deploy/local/common.sh chooses (<project>/.run, or this clone's folder
# under /var/lib/server-dashboard/), as for `make run`.
#
#   deploy/local/stop.sh                 everything, PostgreSQL last
#   deploy/local/stop.sh SERVICE…        only these: scheduler, nginx, frontend-renderer, api, postgres
#   deploy/local/stop.sh --delete-state  (`make clean`) everything, then delete RUN_DIR (the
#                                        database too) and the project's .run (folder or symlink)
set -eu
script_name="make stop"
# shellcheck source=deploy/local/common.sh
. "$(dirname "$0")/common.sh"

delete_state=0
if [ "${1:-}" = --delete-state ]; then
    delete_state=1
    script_name="make clean"
    shift
    [ $# -eq 0 ] || die "--delete-state takes no service names"
fi
if [ $# -eq 0 ]; then
    set -- scheduler nginx frontend-renderer api postgres
fi
if [ ! -d "$run_dir" ]; then
    [ "$delete_state" = 1 ] || say "nothing to stop: $run_dir does not exist"
    if [ "$delete_state" = 1 ] && { [ -L "$root/.run" ] || [ -e "$root/.run" ]; }; then
        rm -rf "$root/.run"
        say "deleted $root/.run"
    fi
    exit 0
fi
for name in "$@"; do
    case $name in
        postgres) "$root/deploy/local/postgres.sh" stop ;;
        scheduler | nginx | frontend-renderer | api) stop_service "$name" ;;
        *) die "unknown service '$name' (scheduler, nginx, frontend-renderer, api, postgres)" ;;
    esac
done
if [ "$delete_state" = 1 ]; then
    case $run_dir in
        / | "$root" | "$shared_state_root") die "refusing to delete $run_dir" ;;
    esac
    if [ -z "${RUN_DIR:-}" ] && [ -L "$root/.run" ] && [[ $run_dir != "$shared_state_root"/* ]]; then
        say "kept $run_dir: .run is a symlink to it that make run did not make (only the symlink is deleted)"
    else
        rm -rf "$run_dir"
        say "deleted $run_dir (the native stack's database, logs and settings)"
    fi
    if [ -L "$root/.run" ] || [ -e "$root/.run" ]; then
        rm -rf "$root/.run"
        [ "$root/.run" = "$run_dir" ] || say "deleted $root/.run"
    fi
    rmdir "$shared_state_root" 2>/dev/null || true
fi

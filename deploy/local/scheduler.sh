#!/usr/bin/env bash
# The native stack's collection schedule (what cron does in the compose stack): a run of
# `collector run --once` now, then one every COLLECTION_INTERVAL_MINUTES [15], each run's
# output appended to RUN_DIR/logs/collector.log under a dated header. After each run,
# RUN_DIR/state/last-run holds "EXIT-STATUS FINISHED-AT". Before every run but the first, the
# retention step (deploy/local/retention.sh: `collector cleanup --if-due`, which cleans once
# a day), its output in the same log. Started and stopped by
# deploy/local/run.sh and stop.sh (SIGTERM: the run in flight is stopped gracefully — the
# collector keeps what it already stored — and the loop ends).
#
#   deploy/local/scheduler.sh ENV_FILE      (the environment holds DATABASE_URL; see run.sh)
set -eu
# shellcheck source=deploy/local/common.sh
. "$(dirname "$0")/common.sh"

env_file=${1:?usage: scheduler.sh ENV_FILE}
minutes=$(setting COLLECTION_INTERVAL_MINUTES 15)
case $minutes in '' | *[!0-9]* | 0) die "COLLECTION_INTERVAL_MINUTES must be a whole number of minutes ≥ 1, got '$minutes'" ;; esac
log=$logs_dir/collector.log
mkdir -p "$state_dir" "$logs_dir"

child=""
finish() {
    if [ -n "$child" ]; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    printf '== %s scheduler stopped\n' "$(date -u +%FT%TZ)" >>"$log"
    exit 0
}
trap finish TERM INT HUP

printf '== %s scheduler started: a run now, then every %s min\n' "$(date -u +%FT%TZ)" "$minutes" >>"$log"
while :; do
    printf '== %s collector run --once\n' "$(date -u +%FT%TZ)" >>"$log"
    "$bin_dir/collector" run --once --env-file "$env_file" >>"$log" 2>&1 &
    child=$!
    status=0
    wait "$child" || status=$?
    child=""
    printf '== %s run finished, exit status %s\n' "$(date -u +%FT%TZ)" "$status" >>"$log"
    printf '%s %s\n' "$status" "$(date -u +%FT%TZ)" >"$state_dir/last-run.new"
    mv "$state_dir/last-run.new" "$state_dir/last-run"
    sleep $((minutes * 60)) &
    child=$!
    wait "$child" || true
    child=""
    # Retention before the next run (not after this one: run.sh reports the first run's last line).
    "$(dirname "$0")/retention.sh" "$env_file" &
    child=$!
    status=0
    wait "$child" || status=$?
    child=""
    [ "$status" = 0 ] || printf '== %s cleanup finished, exit status %s\n' "$(date -u +%FT%TZ)" "$status" >>"$log"
done

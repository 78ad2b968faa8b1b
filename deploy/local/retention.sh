#!/usr/bin/env bash
# The native stack's retention step (docs/operations.md, "Retention"): `collector cleanup
# --if-due`, its output appended to RUN_DIR/logs/collector.log under a dated header.
# deploy/local/scheduler.sh runs it after every collection; it cleans once a day (when the
# last recorded cleanup started 23 h ago or more) and otherwise writes one "not due" line.
# scripts/e2e-native.sh runs this same step to prove it. The collector replaces this shell
# (exec), so stopping the scheduler stops a cleanup in flight.
#
#   deploy/local/retention.sh ENV_FILE      (DATABASE_URL from RUN_DIR/env, written by run.sh)
set -eu
# shellcheck source=deploy/local/common.sh
. "$(dirname "$0")/common.sh"

env_file=${1:?usage: retention.sh ENV_FILE}
[ -s "$run_dir/env" ] || die "the native stack has not run here yet ($run_dir/env is missing): make run"
set -a
# shellcheck disable=SC1091 # written by deploy/local/run.sh
. "$run_dir/env"
set +a
log=$logs_dir/collector.log
mkdir -p "$logs_dir"
printf '== %s collector cleanup --if-due\n' "$(date -u +%FT%TZ)" >>"$log"
exec "$bin_dir/collector" cleanup --if-due --env-file "$env_file" >>"$log" 2>&1

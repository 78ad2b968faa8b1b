#!/bin/sh
# One collection (`collector run --once`), or with --cleanup the retention step
# (`collector cleanup --if-due`: cleans once a day, docs/operations.md "Retention"), as the
# "dashboard" user, with the container's environment that collector-entrypoint saved (cron
# passes none).
#
#   collector-job                       a collection, output to this terminal (make collect-once)
#   collector-job --to-container-log    a collection, output to the container's log (cron)
#   collector-job --cleanup [--to-container-log]
#                                       the retention step (cron, hourly; it cleans when due)
#
# Runs never overlap: a run still going when the next is due makes the next one skip. Two
# cleanups never overlap either (the collector's cleanup lock in PostgreSQL).
set -eu
job=run
to_container_log=""
for argument in "$@"; do
    case $argument in
        --cleanup) job=cleanup ;;
        --to-container-log) to_container_log=1 ;;
        *) echo "usage: collector-job [--cleanup] [--to-container-log]" >&2; exit 2 ;;
    esac
done
if [ -n "$to_container_log" ]; then
    exec >/proc/1/fd/1 2>/proc/1/fd/2
fi
if [ ! -r /run/collector/env ]; then
    echo "collector-job: /run/collector/env is missing; the container did not start through collector-entrypoint" >&2
    exit 1
fi
# shellcheck disable=SC1091
. /run/collector/env
export HOME=/home/dashboard USER=dashboard LOGNAME=dashboard
cd /home/dashboard
if [ "$job" = cleanup ]; then
    exec setpriv --reuid=dashboard --regid=dashboard --init-groups /usr/local/bin/collector cleanup --if-due
fi
status=0
flock --nonblock --conflict-exit-code 75 /run/collector/run.lock \
    setpriv --reuid=dashboard --regid=dashboard --init-groups /usr/local/bin/collector run --once || status=$?
if [ "$status" -eq 75 ]; then
    echo "collector-job: the previous run is still going; this one is skipped"
    exit 0
fi
exit "$status"

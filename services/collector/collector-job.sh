#!/bin/sh
# One collection: `collector run --once` as the "dashboard" user, with the container's
# environment that collector-entrypoint saved (cron passes none).
#
#   collector-job                       output to this terminal (make collect-once)
#   collector-job --to-container-log    output to the container's log (cron)
#
# Runs never overlap: a run still going when the next is due makes the next one skip.
set -eu
if [ "${1:-}" = --to-container-log ]; then
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
status=0
flock --nonblock --conflict-exit-code 75 /run/collector/run.lock \
    setpriv --reuid=dashboard --regid=dashboard --init-groups /usr/local/bin/collector run --once || status=$?
if [ "$status" -eq 75 ]; then
    echo "collector-job: the previous run is still going; this one is skipped"
    exit 0
fi
exit "$status"

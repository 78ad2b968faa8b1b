#!/bin/sh
# The collector container: cron running `collector run --once` every
# COLLECTION_INTERVAL_MINUTES [15], each run's output in the container's log, and every hour
# the retention step `collector cleanup --if-due` (it cleans once a day; services/collector/crontab).
#
# cron starts jobs with an empty environment, so the container's environment (.env via
# compose's env_file, plus `environment:`) is saved here to /run/collector/env, readable by
# root only (it holds the database URL and SSH secrets); collector-job reads it.
#   COLLECTION_INTERVAL_MINUTES [15]   1-59, or a whole number of hours (60, 120, ... 1440)
#   COLLECT_ON_START [true]            one collection right after start, so the dashboard
#                                      shows data before the first scheduled run
set -eu

interval=${COLLECTION_INTERVAL_MINUTES:-15}
case $interval in ''|*[!0-9]*) interval=x ;; esac
if [ "$interval" = x ] || [ "$interval" -lt 1 ] || [ "$interval" -gt 1440 ]; then
    echo "collector-entrypoint: COLLECTION_INTERVAL_MINUTES must be 1-59 or whole hours up to 1440, got '${COLLECTION_INTERVAL_MINUTES:-}'" >&2
    exit 2
elif [ "$interval" -lt 60 ]; then
    schedule="*/$interval * * * *"
elif [ $((interval % 60)) -eq 0 ]; then
    hours=$((interval / 60))
    if [ "$hours" -eq 24 ]; then schedule="0 0 * * *"; else schedule="0 */$hours * * *"; fi
else
    echo "collector-entrypoint: COLLECTION_INTERVAL_MINUTES above 59 must be whole hours (60, 120, ...), got $interval" >&2
    exit 2
fi

install -d -m 700 /run/collector
umask 077
# `export -p` quotes every value for the shell, whatever characters it holds.
export -p | grep -Ev '^export (HOME|PWD|OLDPWD|SHLVL|USER|LOGNAME|_)=' >/run/collector/env
umask 022
sed "s|@SCHEDULE@|$schedule|" /etc/server-dashboard/crontab.in >/etc/cron.d/server-dashboard
chmod 644 /etc/cron.d/server-dashboard

echo "collector-entrypoint: migrating the database"
attempt=1
until setpriv --reuid=dashboard --regid=dashboard --init-groups env HOME=/home/dashboard /usr/local/bin/collector migrate; do
    if [ "$attempt" -ge 10 ]; then
        echo "collector-entrypoint: migrations failed 10 times; is PostgreSQL up and DATABASE_URL right? (make db-stats)" >&2
        exit 1
    fi
    attempt=$((attempt + 1))
    sleep 3
done

echo "collector-entrypoint: collecting on \"$schedule\" (every $interval min), retention checked hourly (once a day); each run's output follows here"
case ${COLLECT_ON_START:-true} in
    true|1|yes) /usr/local/bin/collector-job --to-container-log & ;;
esac
exec cron -f -L 0

#!/usr/bin/env bash
# Runs a command with the services the test suites need, then stops them:
# a throwaway PostgreSQL cluster (scripts/test-postgres.sh) and, when the collector's
# test hosts script is present, sshd test hosts on loopback (scripts/test-hosts.sh).
#
#   scripts/test-env.sh swift test
#
# SD_TEST_KEEP=1 leaves the services running and prints where they are;
# SD_TEST_SERVICES="postgres" starts only PostgreSQL (default: "postgres ssh"); the sshd
# test hosts listen on SD_TEST_SSH_PORT, a free port picked at random unless set.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/server-dashboard-test.XXXXXX")
chmod 755 "$work"
# Ports below the kernel's ephemeral range (32768-60999), which the suites' own client
# sockets draw from: a port there can be taken between a stop and a start.
free_port() {
    local base=$1 port
    port=$((base + RANDOM % 6000))
    while [ -n "$(ss -Hltn "sport = :$port")" ]; do port=$((base + RANDOM % 6000)); done
    echo "$port"
}
pg_port=${SD_TEST_PG_PORT:-$(free_port 20000)}

cleanup() {
    status=$?
    if [ "${SD_TEST_KEEP:-0}" = 1 ]; then
        echo "test services left running; environment in $work/*/env" >&2
        exit "$status"
    fi
    if [ -x "$here/test-hosts.sh" ] && [ -d "$work/ssh" ]; then "$here/test-hosts.sh" stop "$work/ssh" || true; fi
    "$here/test-postgres.sh" stop "$work/pg" || true
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT INT TERM

"$here/test-postgres.sh" start "$work/pg" "$pg_port"
# shellcheck disable=SC1091
. "$work/pg/env"

services=${SD_TEST_SERVICES:-postgres ssh}
if [ -x "$here/test-hosts.sh" ] && [[ " $services " == *" ssh "* ]]; then
    # A port of its own unless told, so test runs side by side never meet.
    if [ -z "${SD_TEST_SSH_PORT:-}" ]; then
        SD_TEST_SSH_PORT=$(free_port 26000)
        export SD_TEST_SSH_PORT
    fi
    "$here/test-hosts.sh" start "$work/ssh" "${SD_TEST_SSH_HOST_COUNT:-20}"
    # shellcheck disable=SC1091
    . "$work/ssh/env"
fi

"$@"

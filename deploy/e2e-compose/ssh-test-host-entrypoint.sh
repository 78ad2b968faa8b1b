#!/bin/sh
# The SSH test host's start (deploy/e2e-compose/ssh-test-host.Dockerfile): the test user's
# password, when scripts/e2e-compose.sh made one for this run (its servers log in with a
# password only, as the original product's did), then sshd in the foreground.
set -eu
if [ -s /etc/e2e-ssh/monitor-password ]; then
    printf 'monitor:%s\n' "$(cat /etc/e2e-ssh/monitor-password)" | chpasswd
fi
exec /usr/sbin/sshd -D -e -f /etc/e2e-ssh/sshd_config

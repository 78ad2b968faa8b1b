# The SSH test host scripts/e2e-compose.sh adds to the compose stack
# (deploy/e2e-compose/docker-compose.e2e.yml): Debian's sshd with a test user "monitor"
# whose shell is /bin/sh. Its password field is "*" (no password can match, but the
# account is not locked: useradd's "!" makes sshd without PAM refuse even keys) until
# ssh-test-host-entrypoint.sh sets the run's password. The configuration, host key and
# password are generated per run and mounted read-only at /etc/e2e-ssh; the image holds
# no key or password of its own.
# Build context: the repository root.
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh --runtime ssh-test-host \
    && rm -f /tmp/install-deps.sh /etc/ssh/ssh_host_* \
    && useradd --create-home --shell /bin/sh monitor \
    && usermod -p "*" monitor \
    && install -d -m 755 /run/sshd
COPY deploy/e2e-compose/ssh-test-host-entrypoint.sh /usr/local/bin/ssh-test-host-entrypoint
EXPOSE 22
HEALTHCHECK --interval=5s --timeout=5s --retries=3 \
    CMD ["/bin/sh", "-c", "kill -0 \"$(cat /run/sshd.pid)\" || exit 1"]
ENTRYPOINT ["/usr/local/bin/ssh-test-host-entrypoint"]

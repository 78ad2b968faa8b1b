#!/usr/bin/env bash
# End-to-end test of the docker compose stack on a real engine (`make test-compose`; CI
# runs it after `make test`). As root, on a Debian 12 machine that reaches no registry:
#
#   scripts/e2e-compose.sh
#
#  1. installs docker.io, docker-compose and debootstrap if missing (install-deps.sh --docker)
#  2. starts a dockerd of its own: data and exec root in a state folder, its own socket
#     (DOCKER_HOST points there), its own bridge and address pool, so it never meets a
#     user's engine, stack or .env. One run at a time (a second waits for the first); what a
#     killed run left (its dockerd, mounts, state folder, bridges, iptables rules) is removed
#     first
#  3. makes the base images locally: debian:bookworm-slim with debootstrap, and the swift
#     image the Swift Dockerfiles build from, out of this machine's /opt/swift
#     (deploy/e2e-compose/swift-toolchain.Dockerfile says what is copied and why)
#  4. scripts/docker-prepare.sh, then `docker-compose build` of the project's own Dockerfiles
#  5. brings the stack up, project server-dashboard-e2e, from an original product's .env:
#     exactly its keys (POSTGRES_PASSWORD; SERVERn_NAME, _HOST, _IP, _USERNAME, _PASSWORD),
#     no API_DB_PASSWORD, HTTP_PORT or HOST_KEY_POLICY, plus
#     deploy/e2e-compose/docker-compose.e2e.yml: an sshd test host on the compose network,
#     password-only, listed as two servers. deploy/compose-env.sh generates the missing
#     API_DB_PASSWORD into e2e.env.generated (checked: mode 600, never printed, reused).
#     The test's arrangement comes from the environment, never the env file: nginx is
#     published on 127.0.0.1:<random port> only (HTTP_PORT); with it left out compose would
#     publish port 80 (checked with `docker-compose config`, and nginx answers on port 80
#     inside the stack's network)
#  6. waits for every service to be healthy; under strict the servers are offline with a
#     host-key error; `make trust-hosts YES=1` adds their keys (fingerprints as ssh-keygen
#     -lf shows them); then runs `make collect-once` (and `make db-stats`, `make health`)
#     against that stack, checks a sample for the test host was stored, and checks through
#     nginx: the dashboard page, /api/servers/metrics/latest, /api/health, /nginx-health,
#     the security headers; that nothing but nginx publishes a port; that no service
#     process runs as root (in the collector container, only cron); the original's make
#     names (logs-DataCollection, logs-API, logs-Frontend, logs-all, restart-service
#     SERVICE=API); then `make down` and up again: the generated password is reused
#  7. stops postgres: a run spools its result (as uid 10001) and fails; starts it again: the
#     api recovers on its own and the next run stores every spooled sample and its own
#     (counted against the spool and the runs recorded since, so a scheduled run in between counts too)
#  8. `docker-compose down -v`, stops dockerd, removes its state folder, its bridge and the
#     iptables rules it left
#
# Exit status: 0 when every check passed, or when this machine cannot run an engine (not
# root, dockerd does not start, no container can run) — then it prints "SKIPPED: reason".
# Under CI=true (or E2E_COMPOSE_REQUIRED=1) a skip fails (exit 1): a green CI always means
# the compose stack was tested.
# Anything else fails, with the containers' logs. Each phase is timed; the summary is
# printed at the end.
#
#   E2E_COMPOSE_STATE=DIR   keep the engine's data (images, build cache) in DIR between runs
#                           (a re-run then skips the base images and rebuilds from cache);
#                           by default a fresh folder under /var/tmp, removed at the end
#   E2E_COMPOSE_KEEP=1      leave the stack and dockerd running at the end (for debugging:
#                           the script prints how to reach them and how to clean up)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/lib/common.sh
. "$root/scripts/lib/common.sh"
export PATH="/opt/swift/usr/bin:$PATH"

project=server-dashboard-e2e
server_name=e2e-compose-ssh
server2_name=e2e-compose-ssh-2
bridge=sd-e2e0
bridge_cidr=10.230.0.1/24
address_pool=10.231.0.0/16
compose_files=(-f deploy/docker-compose.yml -f deploy/e2e-compose/docker-compose.e2e.yml)
swift_image=$(sed -n 's/^FROM \(swift:[^ ]*\) AS build$/\1/p' services/api/Dockerfile)
[ -n "$swift_image" ] || { echo "e2e-compose: no 'FROM swift:… AS build' in services/api/Dockerfile" >&2; exit 1; }

started_at=$(date +%s)
failures=0
state=""
dockerd_pid=""
side_pid=""
stack_up=""
bridge_made=""
iptables_before=""
forward_before=""
timings=()
phase_name=""
phase_start=0

phase() {
    local now
    now=$(date +%s)
    if [ -n "$phase_name" ]; then timings+=("$(printf '%-44s %4d s' "$phase_name" $((now - phase_start)))"); fi
    phase_name=$1
    phase_start=$now
    [ -z "$phase_name" ] || printf '\n== %s\n' "$phase_name"
}
skipped=""
skip() {
    skipped=$*
    exit 0
}
print_skipped() {
    printf '\n######## SKIPPED: %s ########\n' "$skipped"
    printf 'e2e-compose: the compose stack was NOT tested on this machine\n\n'
}
# Whether a skip fails the run: in CI, and when asked to.
skip_fails() {
    [ "${CI:-}" = true ] || [ "${E2E_COMPOSE_REQUIRED:-0}" = 1 ]
}
skip_failed() {
    printf 'e2e-compose: FAILED: the compose stack must be tested here (CI=true or E2E_COMPOSE_REQUIRED=1), but: %s\n' "$skipped" >&2
}

# As the Makefile runs compose: through deploy/compose-env.sh (the passwords e2e.env leaves
# out, from e2e.env.generated), DASHBOARD_ENV_FILE naming the env file the services read.
dc() {
    DASHBOARD_ENV_FILE="$state/e2e.env" deploy/compose-env.sh "$state/e2e.env" \
        docker-compose "${compose_files[@]}" --env-file "$state/e2e.env" -p "$project" "$@"
}
# The Makefile's own targets, pointed at this stack: make_target TARGET [VAR=value…]
make_target() {
    local target=$1
    shift
    make --no-print-directory "$target" ENV_FILE="$state/e2e.env" PROJECT_NAME="$project" \
        COMPOSE_FILES="${compose_files[*]}" COMPOSE=docker-compose "$@"
}

print_timings() {
    phase ""
    printf '\n== timings\n'
    printf '  %s\n' "${timings[@]}"
    printf '  %-44s %4d s\n' total $(($(date +%s) - started_at))
}

# Deletes the iptables rules and chains this dockerd added: those naming its bridges or
# address ranges, and DOCKER* chains that did not exist before it started (when empty).
clean_iptables() {
    local table line rule chain
    for table in filter nat; do
        # (grep finds nothing when there is nothing to delete: not an error)
        iptables-save -t "$table" 2>/dev/null | { grep -E "^-A .*(${bridge}|br-[0-9a-f]{12}|${bridge_cidr%.*}\.|${address_pool%%.0.0/*}\.)" || true; } |
            while IFS= read -r line; do
                rule=${line#-A }
                # shellcheck disable=SC2086 # the saved rule is split into its words on purpose
                iptables -t "$table" -D $rule 2>/dev/null || true
            done
        for chain in DOCKER DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER; do
            grep -qx "$table:$chain" <<<"$iptables_before" && continue
            iptables -t "$table" -n -L "$chain" >/dev/null 2>&1 || continue
            # only our own jumps and RETURNs are left in a chain we created
            iptables-save -t "$table" | { grep -E "^-A [A-Z-]+ .*-j $chain\$" || true; } | while IFS= read -r line; do
                rule=${line#-A }
                # shellcheck disable=SC2086
                iptables -t "$table" -D $rule 2>/dev/null || true
            done
        done
        for chain in DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER DOCKER; do
            grep -qx "$table:$chain" <<<"$iptables_before" && continue
            iptables -t "$table" -F "$chain" 2>/dev/null || true
            iptables -t "$table" -X "$chain" 2>/dev/null || true
        done
    done
}

stop_engine() {
    # nothing of this run's to stop before it holds the claim (another run's engine may be up)
    [ -n "$claimed" ] || return 0
    if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
        kill "$dockerd_pid"
        for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$dockerd_pid" 2>/dev/null; then
            echo "e2e-compose: dockerd did not stop in 30 s; killing it" >&2
            kill -9 "$dockerd_pid" 2>/dev/null || true
        fi
    fi
    dockerd_pid=""
    # mounts dockerd left under the state folder (none after a clean stop)
    if [ -n "$state" ]; then
        awk -v prefix="$state/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r | while IFS= read -r mount; do
            umount -l "$mount" 2>/dev/null || true
        done
    fi
    clean_iptables
    if [ -n "$bridge_made" ]; then ip link del "$bridge" 2>/dev/null || true; bridge_made=""; fi
    if [ "$forward_before" = 0 ]; then sysctl -q -w net.ipv4.ip_forward=0 || true; fi
}

# One run at a time: the bridge, the address pool and the state folders are fixed names.
# The run that holds the claim writes its pid to $run_file; a claim whose process is gone
# (a run that was killed) is stale and is taken over.
run_file=/run/lock/sd-e2e-compose.pid
claimed=""
claim_run() {
    local fd other
    mkdir -p "$(dirname "$run_file")"
    exec {fd}>"$run_file.lock"
    flock "$fd"
    other=$(cat "$run_file" 2>/dev/null || true)
    if [[ "$other" =~ ^[0-9]+$ ]] && [ "$other" != $$ ] && tr '\0' ' ' 2>/dev/null <"/proc/$other/cmdline" | grep -q 'e2e-compose'; then
        exec {fd}>&-
        return 1
    fi
    echo $$ >"$run_file"
    claimed=1
    exec {fd}>&-
}
release_run() {
    [ -n "$claimed" ] || return 0
    [ "$(cat "$run_file" 2>/dev/null)" != $$ ] || rm -f "$run_file"
    claimed=""
}

# What a killed run leaves behind (its claim is stale by now): its dockerd, containerd and
# shims, the mounts and folders under its state folder, its bridge and the compose
# networks' bridges, and the iptables rules naming them. Removed before this run starts.
clean_leftovers() {
    local patterns pids found=() mount dir link joined
    patterns="--bridge ${bridge}( |\$)|/var/tmp/sd-e2e-compose\\."
    if [ -n "${E2E_COMPOSE_STATE:-}" ]; then patterns="$patterns|$(realpath -m "$E2E_COMPOSE_STATE")/"; fi
    pids=$(pgrep -f -- "$patterns" | grep -vx "$$" || true)
    if [ -n "$pids" ]; then
        found+=("processes ${pids//$'\n'/ }")
        # shellcheck disable=SC2086 # one pid per word
        kill $pids 2>/dev/null || true
        for _ in $(seq 30); do
            pids=$(pgrep -f -- "$patterns" | grep -vx "$$" || true)
            [ -n "$pids" ] || break
            sleep 0.5
        done
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    fi
    while IFS= read -r mount; do
        [ -n "$mount" ] || continue
        umount -l "$mount" 2>/dev/null || true
        found+=("mount $mount")
    done < <(awk -v keep="${E2E_COMPOSE_STATE:+$(realpath -m "$E2E_COMPOSE_STATE")/}" \
        'index($2, "/var/tmp/sd-e2e-compose.") == 1 || (keep != "" && index($2, keep) == 1) { print $2 }' /proc/mounts | sort -r)
    for dir in /var/tmp/sd-e2e-compose.*; do
        [ -d "$dir" ] || continue
        rm -rf "$dir"
        found+=("folder $dir")
    done
    for link in $(ip -o -4 addr show 2>/dev/null | awk -v pool="${address_pool%%.0.0/*}." -v own="${bridge_cidr%/*}" \
        'index($4, pool) == 1 || index($4, own "/") == 1 { print $2 }' | sort -u); do
        ip link del "$link" 2>/dev/null && found+=("bridge $link")
    done
    if ip link show "$bridge" >/dev/null 2>&1; then ip link del "$bridge" && found+=("bridge $bridge"); fi
    if [ ${#found[@]} -gt 0 ]; then
        # only rules naming the leftovers: chains that exist now are kept, whoever made them
        iptables_before=$(for table in filter nat; do iptables -t "$table" -S 2>/dev/null | sed -n "s/^-N /$table:/p"; done)
        clean_iptables
        printf -v joined '%s; ' "${found[@]}"
        ok "cleaned up after an earlier run that did not finish: ${joined%; }"
    fi
}

print_logs() {
    [ -n "$stack_up" ] || return 0
    printf '\n== containers\n' >&2
    dc ps >&2 || true
    printf '\n== last 60 log lines of each service\n' >&2
    dc logs --no-color --tail=60 >&2 || true
}

finish() {
    local status=$?
    trap - EXIT
    if [ -n "$side_pid" ]; then
        # the background build: its docker-compose, then the subshell
        for child in $(ps -o pid= --ppid "$side_pid" 2>/dev/null); do kill "$child" 2>/dev/null || true; done
        kill "$side_pid" 2>/dev/null || true
        wait "$side_pid" 2>/dev/null || true
    fi
    if [ "$status" != 0 ] || [ "$failures" != 0 ]; then print_logs; fi
    if [ "${E2E_COMPOSE_KEEP:-0}" = 1 ] && [ -n "$dockerd_pid" ]; then
        printf '\ne2e-compose: E2E_COMPOSE_KEEP=1: the stack and dockerd (pid %s) are still running:\n' "$dockerd_pid"
        printf '  export DOCKER_HOST=%s\n  docker-compose %s --env-file %s -p %s ps\n' \
            "$DOCKER_HOST" "${compose_files[*]}" "$state/e2e.env" "$project"
        printf '  clean up: kill %s; then remove %s, the bridge %s and its iptables rules\n' "$dockerd_pid" "$state" "$bridge"
    else
        phase "down and clean up"
        if [ -n "$stack_up" ]; then dc down -v --remove-orphans >/dev/null 2>&1 || echo "e2e-compose: docker-compose down failed" >&2; fi
        stop_engine
        if [ -n "$state" ]; then
            if [ -n "${E2E_COMPOSE_STATE:-}" ]; then
                rm -rf "$state/exec" "$state/rootfs" "$state/ssh-test-host" "$state/collector-ssh" "$state/e2e.env" \
                    "$state/e2e.env.generated" "$state"/*.out "$state/config.yml"
            else
                rm -rf "$state"
            fi
        fi
    fi
    release_run
    print_timings
    if [ -n "$skipped" ] && [ "$status" = 0 ]; then
        print_skipped
        if skip_fails; then
            skip_failed
            status=1
        fi
    elif [ "$status" != 0 ] || [ "$failures" != 0 ]; then
        printf '\ne2e-compose: FAILED (%s failed checks, exit %s)\n' "$failures" "$status" >&2
        [ "$status" != 0 ] || status=1
    else
        printf '\ne2e-compose: all checks passed\n'
    fi
    exit "$status"
}

# --- 1. what it needs ------------------------------------------------------------------
phase "install dependencies"
if [ "$(id -u)" != 0 ]; then
    skipped="not root: starting dockerd needs root (run as root, or in CI)"
    print_skipped
    if skip_fails; then
        skip_failed
        exit 1
    fi
    exit 0
fi
[ -x /opt/swift/usr/bin/swift ] || fatal "no Swift toolchain in /opt/swift: the swift base image is made from it"
scripts/install-deps.sh --docker
for program in dockerd docker docker-compose debootstrap iptables curl python3; do
    command -v "$program" >/dev/null || fatal "$program is missing after install-deps.sh --docker"
done
for program in ssh-keygen ss; do
    command -v "$program" >/dev/null || fatal "$program is missing: run scripts/install-deps.sh (make test does)"
done

# --- 2. an engine of its own -------------------------------------------------------------
phase "start dockerd"
iptables_before=$(for table in filter nat; do iptables -t "$table" -S 2>/dev/null | sed -n "s/^-N /$table:/p"; done)
forward_before=$(sysctl -n net.ipv4.ip_forward 2>/dev/null || echo 1)
trap finish EXIT
trap 'exit 130' INT TERM
waited=0
until claim_run; do
    if [ "$waited" = 0 ]; then echo "e2e-compose: another run (pid $(cat "$run_file")) is going; waiting for it to finish (up to 30 min)"; fi
    [ "$waited" -lt 1800 ] || fatal "another e2e-compose run (pid $(cat "$run_file")) is still going after 30 min"
    sleep 5
    waited=$((waited + 5))
done
clean_leftovers
if [ -n "${E2E_COMPOSE_STATE:-}" ]; then
    mkdir -p "$E2E_COMPOSE_STATE"
    state=$(cd "$E2E_COMPOSE_STATE" && pwd)
else
    state=$(mktemp -d /var/tmp/sd-e2e-compose.XXXXXX)
fi
chmod 755 "$state"
mkdir -p "$state/data" "$state/exec"
export DOCKER_HOST="unix://$state/docker.sock" DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
unset DOCKER_CONTEXT DOCKER_CONFIG COMPOSE_FILE COMPOSE_PROJECT_NAME
ip link add "$bridge" type bridge 2>/dev/null || skip "cannot create a network bridge (ip link add $bridge type bridge): no network privileges"
bridge_made=1
ip addr add "$bridge_cidr" dev "$bridge"
ip link set "$bridge" up
# a kept state folder (E2E_COMPOSE_STATE) may hold the pid file of an engine that was killed
rm -f "$state/dockerd.pid"
dockerd --data-root "$state/data" --exec-root "$state/exec" --host "$DOCKER_HOST" \
    --pidfile "$state/dockerd.pid" --bridge "$bridge" --default-address-pool "base=$address_pool,size=24" \
    >"$state/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 120); do
    docker version >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
done
if ! docker version >/dev/null 2>&1; then
    tail -n 20 "$state/dockerd.log"
    skip "dockerd did not start (its log is above)"
fi
ok "dockerd $(docker version --format '{{.Server.Version}}') on $DOCKER_HOST, storage $(docker info --format '{{.Driver}}')"
# What an earlier run kept in E2E_COMPOSE_STATE (E2E_COMPOSE_KEEP=1, or killed): its
# containers and its database volume, whose password was that run's.
leftover=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
# shellcheck disable=SC2086 # one id per word
[ -z "$leftover" ] || docker rm -f $leftover >/dev/null
leftover=$(docker volume ls -q --filter "label=com.docker.compose.project=$project")
# shellcheck disable=SC2086
[ -z "$leftover" ] || { docker volume rm $leftover >/dev/null && ok "removed an earlier run's volumes: ${leftover//$'\n'/ }"; }

# The test's own settings: nothing from the user's .env. The env file is an original
# product's (its keys only); what the test's arrangement needs comes from the environment:
# nginx on 127.0.0.1:<port> only, the collector's ~/.ssh, the test host's files.
port=""
while [ -z "$port" ]; do
    port=$((20000 + RANDOM % 10000))
    [ -z "$(ss -Hltn "sport = :$port")" ] || port=""
done
export HTTP_PORT="127.0.0.1:$port" SSH_KEYS_DIR="$state/collector-ssh" E2E_SSH_HOST_DIR="$state/ssh-test-host"
rm -rf "$state/ssh-test-host" "$state/collector-ssh" "$state/e2e.env.generated"
install -d -m 700 "$state/ssh-test-host" "$state/collector-ssh"
ssh-keygen -q -t ed25519 -N '' -C e2e-compose-host -f "$state/ssh-test-host/ssh_host_ed25519_key"
ssh_password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
printf '%s\n' "$ssh_password" >"$state/ssh-test-host/monitor-password"
cat >"$state/ssh-test-host/sshd_config" <<'SSHD'
# scripts/e2e-compose.sh: the test host's sshd (host key and password generated for this run)
Port 22
ListenAddress 0.0.0.0
HostKey /etc/e2e-ssh/ssh_host_ed25519_key
StrictModes no
UsePAM no
UseDNS no
PasswordAuthentication yes
PermitEmptyPasswords no
KbdInteractiveAuthentication no
AllowUsers monitor
PidFile /run/sshd.pid
SSHD
chmod 755 "$state/ssh-test-host"
chmod 644 "$state/ssh-test-host/sshd_config"
chmod 600 "$state/ssh-test-host/monitor-password"
# the collector runs as uid 10001; `collector trust` writes known_hosts into this folder
# (empty: under strict no server is trusted yet)
chown -R 10001:10001 "$state/collector-ssh"
password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
cat >"$state/e2e.env" <<ENV
# scripts/e2e-compose.sh: an original product's .env (exactly its keys) for project $project
POSTGRES_PASSWORD=$password
SERVER1_NAME=$server_name
SERVER1_HOST=ssh-test-host
SERVER1_IP=
SERVER1_USERNAME=monitor
SERVER1_PASSWORD=$ssh_password
SERVER2_NAME=$server2_name
SERVER2_HOST=ssh-test-host-2
SERVER2_IP=
SERVER2_USERNAME=monitor
SERVER2_PASSWORD=$ssh_password
ENV
chmod 600 "$state/e2e.env"

phase "original .env: generated passwords, port 80"
# The first compose command generates what e2e.env lacks; a second one reuses it.
if dc config -q >"$state/generate.out" 2>&1; then ok "docker-compose accepts the original product's .env"; else fail "docker-compose config: $(cat "$state/generate.out")"; fi
sed 's/^/  | /' "$state/generate.out"
if grep -qF "generated API_DB_PASSWORD into $state/e2e.env.generated" "$state/generate.out" && ! grep -q POSTGRES_PASSWORD "$state/generate.out"; then
    ok "API_DB_PASSWORD reported by name and path (POSTGRES_PASSWORD is in .env: not generated)"
else
    fail "no report of the generated API_DB_PASSWORD and $state/e2e.env.generated"
fi
mode=$(stat -c %a "$state/e2e.env.generated" 2>/dev/null || echo missing)
if [ "$mode" = 600 ]; then ok "e2e.env.generated has mode 600"; else fail "e2e.env.generated: mode $mode (expected 600)"; fi
generated_sum=$(sha256sum <"$state/e2e.env.generated")
secret_values=$(cut -d= -f2- "$state/e2e.env.generated")
dc config -q >"$state/generate-again.out" 2>&1 || true
if [ -z "$(cat "$state/generate-again.out")" ] && [ "$(sha256sum <"$state/e2e.env.generated")" = "$generated_sum" ]; then
    ok "a second compose command reuses e2e.env.generated, silently"
else
    fail "a second compose command changed e2e.env.generated or reported: $(cat "$state/generate-again.out")"
fi
# HTTP_PORT left out (the environment's too): compose publishes nginx on port 80
env -u HTTP_PORT DASHBOARD_ENV_FILE="$state/e2e.env" deploy/compose-env.sh "$state/e2e.env" \
    docker-compose "${compose_files[@]}" --env-file "$state/e2e.env" -p "$project" config >"$state/config.yml" 2>/dev/null || true
published_default=$(python3 -c "
import sys, yaml
ports = yaml.safe_load(open(sys.argv[1]))['services']['nginx'].get('ports', [])
print(' '.join(str(p.get('published')) + '->' + str(p.get('target')) if isinstance(p, dict) else str(p) for p in ports))" "$state/config.yml" 2>&1)
rm -f "$state/config.yml"
if [ "$published_default" = "80->80" ]; then ok "without HTTP_PORT compose publishes nginx on port 80"; else fail "without HTTP_PORT nginx publishes: $published_default"; fi

# Before any build: the background build below sends the same context (the repository
# with .build-docker/), which must not change under it.
phase "docker-prepare.sh"
scripts/docker-prepare.sh

# --- 3. base images ---------------------------------------------------------------------
phase "debian:bookworm-slim (debootstrap)"
if docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
    ok "debian:bookworm-slim already in $state/data"
else
    rm -rf "$state/rootfs"
    if ! debootstrap --variant=minbase bookworm "$state/rootfs" http://deb.debian.org/debian >"$state/debootstrap.log" 2>&1; then
        tail -n 30 "$state/debootstrap.log" >&2
        fatal "debootstrap failed"
    fi
    rm -rf "$state/rootfs/var/cache/apt/archives/"*.deb "$state/rootfs/var/lib/apt/lists/"*
    tar -C "$state/rootfs" -c . | docker import - debian:bookworm-slim >/dev/null
    rm -rf "$state/rootfs"
    ok "debian:bookworm-slim imported ($(docker image inspect --format '{{.Size}}' debian:bookworm-slim | awk '{printf "%d MB", $1 / 1e6}'))"
fi
if ! docker run --rm --network none debian:bookworm-slim true 2>"$state/run-check.log"; then
    cat "$state/run-check.log"
    skip "the engine cannot run a container here (above)"
fi
ok "a container runs"
# The images that need nothing but Debian build in the background from here on, while the
# swift image is made and the Swift code compiles (they mostly wait for apt's downloads).
side_services=(postgres nginx ssh-test-host)
side_started=$(date +%s)
(
    status=0
    dc build "${side_services[@]}" >"$state/build-side.log" 2>&1 || status=$?
    echo $(($(date +%s) - side_started)) >"$state/build-side.seconds"
    exit "$status"
) &
side_pid=$!

phase "$swift_image (from /opt/swift)"
host_swift=$(swift --version 2>&1 | sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -n 1)
if [ "swift:$host_swift-bookworm" != "$swift_image" ]; then
    echo "e2e-compose: note: /opt/swift is Swift $host_swift; the Dockerfiles name $swift_image (tagged anyway)"
fi
if docker image inspect "$swift_image" >/dev/null 2>&1; then
    ok "$swift_image already in $state/data"
else
    # The build context, streamed: the Dockerfile, install-deps.sh and the toolchain minus
    # what building never runs (see deploy/e2e-compose/swift-toolchain.Dockerfile).
    excluded=(usr/bin/sourcekit-lsp 'usr/bin/lldb*' usr/bin/clangd usr/bin/docc usr/bin/swift-format
        usr/bin/wasmkit usr/bin/swift-build-sdk-interfaces usr/bin/llvm-cov usr/bin/llvm-profdata
        usr/bin/repl_swift usr/bin/swift-help 'usr/lib/liblldb.so*' usr/lib/libsourcekitdInProc.so
        'usr/lib/libSwiftSourceKit*' 'usr/lib/libclang.so*' 'usr/lib/libLTO.so*' usr/lib/swift/embedded
        usr/lib/swift_static/embedded usr/lib/swift/FrameworkABIBaseline usr/lib/swift/migrator
        usr/share/doc usr/share/docc usr/share/man)
    exclude_args=()
    for path in "${excluded[@]}"; do exclude_args+=("--exclude=$path"); done
    if ! tar -c --transform='s|^swift-toolchain.Dockerfile$|Dockerfile|' \
        -C "$root/deploy/e2e-compose" swift-toolchain.Dockerfile \
        -C "$root" scripts/install-deps.sh \
        -C /opt/swift "${exclude_args[@]}" usr |
        docker build -q -t "$swift_image" - >"$state/swift-image.log" 2>&1; then
        tail -n 30 "$state/swift-image.log" >&2
        fatal "building $swift_image failed"
    fi
    ok "$swift_image built ($(docker image inspect --format '{{.Size}}' "$swift_image" | awk '{printf "%d MB", $1 / 1e6}'))"
fi

# --- 4. the project's images ------------------------------------------------------------------

phase "docker-compose build"
if ! dc build api frontend-renderer collector-cron >"$state/build.log" 2>&1; then
    tail -n 80 "$state/build.log" >&2
    fatal "docker-compose build (api, frontend-renderer, collector-cron) failed"
fi
side_status=0
wait "$side_pid" || side_status=$?
side_pid=""
timings+=("$(printf '%-44s %4d s' "  (background: ${side_services[*]})" "$(cat "$state/build-side.seconds")")")
if [ "$side_status" != 0 ]; then
    tail -n 80 "$state/build-side.log" >&2
    fatal "docker-compose build (${side_services[*]}) failed"
fi
cat "$state/build-side.log" "$state/build.log" | grep -E '^Successfully tagged' | sed 's/^/  /'
ok "images built from the project's Dockerfiles"

# --- 5. the stack ---------------------------------------------------------------------------
phase "up and healthy"
stack_up=1
if ! dc up -d >"$state/up.log" 2>&1; then
    cat "$state/up.log" >&2
    fatal "docker-compose up failed"
fi
services=(postgres api frontend-renderer nginx collector-cron ssh-test-host)
waiting=("${services[@]}")
for _ in $(seq 90); do
    left=()
    states=$(docker ps --all --filter "label=com.docker.compose.project=$project" \
        --format '{{.Label "com.docker.compose.service"}} {{.Status}}')
    for service in "${waiting[@]}"; do
        grep -q "^$service .*(healthy)" <<<"$states" || left+=("$service")
    done
    waiting=("${left[@]}")
    [ ${#waiting[@]} -gt 0 ] || break
    sleep 2
done
[ ${#waiting[@]} -eq 0 ] || fatal "not healthy after 3 min: ${waiting[*]}
$states"
ok "every service is healthy: ${services[*]}"

# The probe's containers section against this real engine (docs/probe-format.md): one
# running and one exited (code 3) container from the imported base image, the probe run
# here as root (the engine's socket is DOCKER_HOST), both seen with their states.
phase "the probe sees real containers"
probe_containers=(sd-e2e-probe-running sd-e2e-probe-exited)
docker rm -f "${probe_containers[@]}" >/dev/null 2>&1 || true
docker run -d --name sd-e2e-probe-running --network none debian:bookworm-slim sleep 600 >"$state/probe-containers.log" 2>&1 ||
    fatal "cannot start a sleeping container: $(cat "$state/probe-containers.log")"
docker run --name sd-e2e-probe-exited --network none debian:bookworm-slim sh -c 'exit 3' >>"$state/probe-containers.log" 2>&1 || true
exited_code=$(docker inspect --format '{{.State.ExitCode}}' sd-e2e-probe-exited 2>/dev/null || echo none)
[ "$exited_code" = 3 ] || fatal "the exited container's code is $exited_code, not 3: $(cat "$state/probe-containers.log")"
sh "$root/Sources/Collector/Resources/probe.sh" </dev/null >"$state/probe-containers.out" 2>"$state/probe-containers.err" || true
containers_section=$(awk '/^@@sd:/ { on = ($0 == "@@sd:containers"); next } on' "$state/probe-containers.out")
printf '%s\n' "$containers_section" | sed 's/^/  | /'
tab=$(printf '\t')
if grep -q "^engine=docker$" <<<"$containers_section" &&
    grep -q "^ps${tab}sd-e2e-probe-running${tab}debian:bookworm-slim${tab}Up " <<<"$containers_section" &&
    grep -q "^ps${tab}sd-e2e-probe-exited${tab}debian:bookworm-slim${tab}Exited (3) " <<<"$containers_section" &&
    grep -q "^inspect${tab}/sd-e2e-probe-exited${tab}0${tab}3$" <<<"$containers_section"; then
    ok "the probe lists sd-e2e-probe-running as running (Up) and sd-e2e-probe-exited as exited with code 3"
else
    fail "the probe's containers section misses the running or the exited container (above; stderr: $(head -c 500 "$state/probe-containers.err"))"
fi
docker rm -f "${probe_containers[@]}" >/dev/null 2>&1 || true

# --- 6. checks --------------------------------------------------------------------------------
phase "strict host keys: offline, then make trust-hosts"
if dc exec -T collector-cron curl -fsS --max-time 5 http://nginx:80/nginx-health >"$state/port80.out" 2>&1; then
    ok "nginx answers on port 80 inside the stack's network: $(head -c 60 "$state/port80.out")"
else
    fail "nginx does not answer on nginx:80 from the collector container: $(cat "$state/port80.out")"
fi
status=0
make_target collect-once >"$state/collect-strict.out" 2>&1 || status=$?
sed 's/^/  | /' "$state/collect-strict.out"
unknown=$(grep -c 'host key' "$state/collect-strict.out" || true)
if [ "$status" != 0 ] && [ "$unknown" -ge 2 ]; then
    ok "make collect-once under strict: both servers refused for their unknown host keys (exit $status)"
else
    fail "make collect-once under strict: exit $status, $unknown host-key line(s) (expected a failure and 2)"
fi
for name in "$server_name" "$server2_name"; do
    recorded=$(dc exec -T postgres psql -X -q -t -A -U postgres -d server_db -c \
        "SELECT coalesce(last_error_kind, '') || ': ' || coalesce(last_error, '') FROM servers WHERE name = '$name' AND latest_sample_id IS NULL" 2>&1 | tr -d '\r')
    if [[ $recorded == host_key:*"unknown host key"*"trust"* ]]; then
        ok "$name: offline (no sample), its recorded error is the unknown host key and names the trust command"
    else
        fail "$name should be offline with a host-key error; servers row: $recorded"
    fi
    # what the api (and so the dashboard) shows for it: offline, and the message naming the
    # command. The api's cache follows the database within its refresh interval: a few seconds.
    shown=""
    for _ in $(seq 15); do
        answer=$(curl -sS --max-time 10 "http://127.0.0.1:$port/api/servers/$name" 2>&1 || true)
        if python3 -c "
import json, sys
doc = json.loads(sys.argv[1])
error = doc.get('last_error') or {}
sys.exit(0 if doc.get('status') == 'offline' and error.get('kind') == 'host_key' and 'collector trust' in error.get('message', '') else 1)" "$answer" 2>/dev/null; then
            shown=yes
            break
        fi
        sleep 1
    done
    if [ -n "$shown" ]; then
        ok "/api/servers/$name: offline, last_error host_key naming \`collector trust\`"
    else
        fail "/api/servers/$name should be offline with a host_key error naming the trust command: $(head -c 600 <<<"$answer")"
    fi
done
status=0
make_target trust-hosts YES=1 >"$state/trust.out" 2>&1 || status=$?
sed 's/^/  | /' "$state/trust.out"
fingerprint=$(ssh-keygen -lf "$state/ssh-test-host/ssh_host_ed25519_key.pub" | awk '{ print $2 }')
trusted=$(grep -c '^ssh-test-host\(-2\)\{0,1\} ssh-ed25519 ' "$state/collector-ssh/known_hosts" 2>/dev/null || true)
if [ "$status" = 0 ] && grep -qF "$fingerprint" "$state/trust.out" && [ "$trusted" = 2 ]; then
    ok "make trust-hosts YES=1: fingerprint $fingerprint shown, both servers in ./ssh/known_hosts (SSH_KEYS_DIR)"
else
    fail "make trust-hosts YES=1: exit $status, fingerprint $fingerprint $(grep -qF "$fingerprint" "$state/trust.out" || echo 'not ')shown, $trusted known_hosts line(s)"
fi
if grep -q -- '-T -u dashboard collector-cron collector trust --all --yes' "$state/trust.out"; then
    ok "make trust-hosts ran in the collector container as dashboard, without a terminal (-T)"
else
    fail "make trust-hosts did not run 'exec -T -u dashboard collector-cron collector trust --all --yes'"
fi

phase "collect and check"
if make_target collect-once >"$state/collect.out" 2>&1; then
    ok "make collect-once"
else
    cat "$state/collect.out" >&2
    fail "make collect-once failed"
fi
sed 's/^/  | /' "$state/collect.out"
samples=$(dc exec -T postgres psql -X -q -t -A -U postgres -d server_db -c \
    "SELECT count(*) FROM server_metrics m JOIN servers s ON s.id = m.server_id WHERE s.name = '$server_name'" 2>&1 | tr -d '\r')
if [[ $samples =~ ^[1-9][0-9]*$ ]]; then ok "the database holds $samples sample(s) of $server_name"; else fail "no sample of $server_name stored (psql: $samples)"; fi
if make_target db-stats >"$state/db-stats.out" 2>&1 && grep -q server_metrics "$state/db-stats.out"; then
    ok "make db-stats"
else
    fail "make db-stats: $(cat "$state/db-stats.out")"
fi
# The cron container's daily retention step (crontab: collector-job --cleanup, hourly, cleans
# once a day), run as cron runs it; make db-stats then shows it.
if dc exec -T collector-cron collector-job --cleanup >"$state/cleanup.out" 2>&1 &&
    grep -qE '^(deleted .*; schedule cleanup\)|cleanup not due: )' "$state/cleanup.out" &&
    make_target db-stats >"$state/db-stats2.out" 2>&1 && grep -q '^last cleanup: .* (schedule), ' "$state/db-stats2.out"; then
    ok "the cron container's daily cleanup step ran and make db-stats shows it"
else
    fail "cleanup step: $(cat "$state/cleanup.out" "$state/db-stats2.out" 2>/dev/null)"
fi
if make_target health >"$state/health.out" 2>&1 && grep -q '"healthy"' "$state/health.out"; then
    ok "make health reaches the api through the published port"
else
    fail "make health: $(cat "$state/health.out")"
fi
sed 's/^/  | /' "$state/health.out"

base=http://127.0.0.1:$port
fetch() {
    code=$(curl -sS --max-time 20 -D "$state/headers" -o "$state/body" -w '%{http_code}' "$base$1" || echo 000)
}
header() {
    tr -d '\r' <"$state/headers" | awk -v name="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" -F': ' \
        'tolower($1) == name { sub(/^[^:]*: /, ""); print; exit }'
}
expect_code() {
    if [ "$code" = "$1" ]; then ok "$2: $code"; else fail "$2: expected status $1, got $code (body: $(head -c 300 "$state/body"))"; fi
}
expect_security_headers() {
    local what=$1 csp script_src
    csp=$(header Content-Security-Policy)
    script_src=$(printf '%s' "$csp" | tr ';' '\n' | grep -E '^[[:space:]]*(script-src|default-src)' || true)
    if [ -z "$csp" ]; then
        fail "$what: no Content-Security-Policy"
    elif [[ $script_src == *unsafe-inline* ]]; then
        fail "$what: CSP allows inline scripts: $csp"
    elif [[ $csp != *"frame-ancestors 'none'"* ]]; then
        fail "$what: CSP without frame-ancestors 'none': $csp"
    else
        ok "$what: CSP (no inline scripts, frame-ancestors 'none')"
    fi
    if [ "$(header X-Content-Type-Options)" = nosniff ]; then ok "$what: X-Content-Type-Options"; else fail "$what: X-Content-Type-Options is '$(header X-Content-Type-Options)'"; fi
    if [ -n "$(header Referrer-Policy)" ]; then ok "$what: Referrer-Policy"; else fail "$what: no Referrer-Policy"; fi
}
expect_json() {
    local what=$1 check=$2 problem
    if problem=$(python3 -c "
import json, sys
doc = json.load(open(sys.argv[1], encoding='utf-8'))
name = sys.argv[2]
def bad(message):
    print(message); sys.exit(1)
$check
" "$state/body" "$server_name" 2>&1); then ok "$what"; else fail "$what: $problem"; fi
}

fetch /nginx-health
expect_code 200 "GET /nginx-health"
fetch /api/health
expect_code 200 "GET /api/health"
expect_json "/api/health is healthy" 'doc.get("status") == "healthy" or bad(f"got {doc}")'
expect_security_headers "GET /api/health"
# the api's cache follows the database within about a second of a write
for _ in $(seq 50); do
    fetch /api/servers/metrics/latest
    [ "$code" = 200 ] && python3 -c "
import json, sys
sys.exit(0 if any(r.get('server_name') == sys.argv[2] and r.get('timestamp') for r in json.load(open(sys.argv[1]))) else 1)" \
        "$state/body" "$server_name" 2>/dev/null && break
    sleep 0.2
done
expect_code 200 "GET /api/servers/metrics/latest"
expect_json "/api/servers/metrics/latest has $server_name with a sample" '
fields = ["server_name", "cpu_load_1min", "cpu_load_5min", "cpu_load_15min", "ram_percentage", "disk_percentage", "logged_users", "tcp_connections", "timestamp"]
isinstance(doc, list) or bad("not an array")
rows = {row.get("server_name"): row for row in doc}
row = rows.get(name) or bad(f"{name!r} missing; got {sorted(rows)}")
missing = [f for f in fields if f not in row]
missing and bad(f"lacks {missing}")
row["timestamp"] or bad("no timestamp")
ram = row["ram_percentage"]
isinstance(ram, (int, float)) or bad(f"ram_percentage is {ram!r}")
'
fetch /
expect_code 200 "GET / (the dashboard)"
card=$(grep -o "data-status=\"[a-z]*\" data-server=\"$server_name\"" "$state/body" | head -n 1 || true)
case $card in
    *'"healthy"'* | *'"warning"'* | *'"critical"'*) ok "/ shows $server_name online (${card%% data-server*})" ;;
    '') if grep -qF "$server_name" "$state/body"; then fail "/ names $server_name but has no online card for it"; else fail "/ does not list $server_name"; fi ;;
    *) fail "/ shows $server_name as ${card%% data-server*} (expected online)" ;;
esac
expect_security_headers "GET / (page)"

# Only nginx publishes a port, and only on 127.0.0.1.
published=$(for id in $(dc ps -q); do
    docker inspect --format '{{.Name}}{{range $port, $bindings := .NetworkSettings.Ports}}{{range $bindings}} {{$port}}={{.HostIp}}:{{.HostPort}}{{end}}{{end}}' "$id"
done)
printf '%s\n' "$published" | sed 's/^/  | /'
postgres_id=$(dc ps -q postgres)
if [ -z "$(docker port "$postgres_id")" ]; then ok "postgres publishes no port"; else fail "postgres publishes: $(docker port "$postgres_id")"; fi
others=$(printf '%s\n' "$published" | grep ' ' | grep -v "_nginx_1 80/tcp=127.0.0.1:$port\$" || true)
if [ -z "$others" ]; then ok "only nginx publishes a port, on 127.0.0.1:$port"; else fail "published ports besides nginx's on 127.0.0.1: $others"; fi

# The services run as unprivileged users: no process of api, frontend-renderer, nginx or
# postgres is root; in the collector container only cron is (its job drops to the dashboard
# user, which the spool check below proves by the owner of the file the collector writes).
for service in api frontend-renderer nginx postgres collector-cron; do
    processes=$(docker top "$(dc ps -q "$service")" -eo pid,uid,comm | tail -n +2)
    root=$(awk '$2 == 0 { print $3 }' <<<"$processes" | sort -u | tr '\n' ' ')
    users=$(awk '{ print $2 }' <<<"$processes" | sort -u | tr '\n' ' ')
    if [ -z "$processes" ]; then
        fail "$service: docker top lists no process"
    elif [ "$service" = collector-cron ]; then
        # cron, and while a job runs, the wrapper that takes the run lock before setpriv
        unexpected=$(tr ' ' '\n' <<<"$root" | grep -Ev '^(cron|collector-job|flock|)$' | tr '\n' ' ' || true)
        if [[ " $root" == *" cron "* ]] && [ -z "$unexpected" ]; then ok "$service: only cron (and the job's lock wrapper) run as root (uids: ${users% })"; else fail "$service: root processes besides cron: ${root% }"; fi
    elif [ -z "$root" ]; then
        ok "$service runs as uid ${users% }, not root"
    else
        fail "$service has processes running as root: ${root% }"
    fi
done

phase "the original's make target names"
for check in "logs-DataCollection:collector-entrypoint" "logs-API:api" "logs-Frontend:frontend-renderer" "logs-all:nginx"; do
    target=${check%%:*}
    if make_target "$target" >"$state/$target.out" 2>&1 && grep -q "${check#*:}" "$state/$target.out"; then
        ok "make $target ($(wc -l <"$state/$target.out") lines)"
    else
        fail "make $target: $(tail -n 5 "$state/$target.out")"
    fi
done
# docker-compose 1.29 prefixes each line with the container (collector-cron_1  | …)
services_in_logs=$(grep -oE '^[a-z0-9_-]*(postgres|api|frontend-renderer|nginx|collector-cron|ssh-test-host)[_-]1 ' "$state/logs-all.out" | sort -u | wc -l)
if [ "$services_in_logs" -ge 5 ]; then ok "make logs-all shows $services_in_logs services"; else fail "make logs-all shows $services_in_logs services (expected every one)"; fi
if make_target restart-service SERVICE=API >"$state/restart-api.out" 2>&1 && grep -q 'restart api' "$state/restart-api.out"; then
    ok "make restart-service SERVICE=API restarts the api"
else
    fail "make restart-service SERVICE=API: $(cat "$state/restart-api.out")"
fi
recovered=""
for _ in $(seq 60); do
    if curl -fsS --max-time 5 "http://127.0.0.1:$port/api/health" 2>/dev/null | grep -q '"healthy"'; then recovered=yes; break; fi
    sleep 1
done
if [ -n "$recovered" ]; then ok "the api answers again after restart-service"; else fail "the api did not answer within 60 s of restart-service SERVICE=API"; fi

phase "make down, up again: the generated password is reused"
if make_target down >"$state/down.out" 2>&1; then ok "make down"; else fail "make down: $(cat "$state/down.out")"; fi
if dc up -d >"$state/up-again.out" 2>&1; then ok "up again"; else fail "up again: $(cat "$state/up-again.out")"; fi
if [ "$(sha256sum <"$state/e2e.env.generated")" = "$generated_sum" ] && ! grep -q 'generated' "$state/down.out" "$state/up-again.out"; then
    ok "e2e.env.generated unchanged by make down and a second up"
else
    fail "e2e.env.generated changed, or a password was generated again"
fi
waiting=("${services[@]}")
for _ in $(seq 90); do
    left=()
    states=$(docker ps --all --filter "label=com.docker.compose.project=$project" \
        --format '{{.Label "com.docker.compose.service"}} {{.Status}}')
    for service in "${waiting[@]}"; do
        grep -q "^$service .*(healthy)" <<<"$states" || left+=("$service")
    done
    waiting=("${left[@]}")
    [ ${#waiting[@]} -gt 0 ] || break
    sleep 2
done
if [ ${#waiting[@]} -eq 0 ]; then ok "every service is healthy again"; else fatal "not healthy after the second up: ${waiting[*]}"; fi
if make_target collect-once >"$state/collect-again.out" 2>&1; then
    ok "make collect-once after the second up (the trusted keys stayed in ./ssh)"
else
    fail "make collect-once after the second up: $(tail -n 20 "$state/collect-again.out")"
fi

# Nothing lost while PostgreSQL is away (SPOOL_DIR on the collector-spool volume): with
# postgres stopped a run probes the test host, spools the result as the dashboard user and
# exits 2; once postgres is back, the api recovers on its own and the next run stores the
# spooled sample first, then its own.
phase "postgres away: spool and recovery"
spool=/var/lib/server-dashboard/spool
# Samples of every server (the spool and the runs' ok counts below cover every server too).
count_samples() {
    dc exec -T postgres psql -X -q -t -A -U postgres -d server_db -c \
        "SELECT count(*) FROM server_metrics" 2>&1 | tr -d '\r'
}
psql_value() {
    dc exec -T postgres psql -X -q -t -A -U postgres -d server_db -c "$1" 2>&1 | tr -d '\r'
}
before=$(count_samples)
last_run=$(psql_value "SELECT coalesce(max(id), 0) FROM collection_runs")
dc stop postgres >"$state/stop-postgres.out" 2>&1 || fail "docker-compose stop postgres: $(cat "$state/stop-postgres.out")"
status=0
make_target collect-once >"$state/collect-spool.out" 2>&1 || status=$?
sed 's/^/  | /' "$state/collect-spool.out"
if [ "$status" != 0 ] && grep -q 'results go to the spool' "$state/collect-spool.out"; then
    ok "make collect-once with postgres stopped fails and says the results are spooled"
else
    fail "make collect-once with postgres stopped: status $status, no spool line"
fi
owners=$(dc exec -T collector-cron sh -c "stat -c '%u %n' $spool/*.jsonl" 2>&1 | tr -d '\r')
if [ -n "$owners" ] && ! grep -qv '^10001 ' <<<"$owners"; then
    ok "the spooled run file is written by the collector as uid 10001 (dashboard): $owners"
else
    fail "spool files missing or not owned by uid 10001: $owners"
fi
# Every result in the spool, whichever run wrote it: the scheduled job may also have run
# while postgres was away (it runs at each quarter hour).
spooled=$(dc exec -T collector-cron sh -c "cat $spool/*.jsonl" 2>/dev/null | grep -c '^{' || true)
dc start postgres >"$state/start-postgres.out" 2>&1 || fail "docker-compose start postgres: $(cat "$state/start-postgres.out")"
recovered=""
for _ in $(seq 60); do
    if curl -fsS --max-time 5 "http://127.0.0.1:$port/api/health" 2>/dev/null | grep -q '"healthy"'; then recovered=yes; break; fi
    sleep 2
done
if [ -n "$recovered" ]; then ok "the api is healthy again once postgres is back, without a restart"; else fail "the api did not recover within 2 min of postgres restarting"; fi
if make_target collect-once >"$state/collect-replay.out" 2>&1; then ok "make collect-once after postgres returned"; else fail "make collect-once after postgres returned: $(cat "$state/collect-replay.out")"; fi
sed 's/^/  | /' "$state/collect-replay.out"
after=$(count_samples)
spool_files=$(dc exec -T collector-cron sh -c "ls $spool" 2>&1 | grep -c '\.jsonl' || true)
# Samples the runs since postgres returned collected themselves (make collect-once, and a
# scheduled run if a quarter hour passed), as those runs recorded them.
collected=$(psql_value "SELECT coalesce(sum(ok_count), 0) FROM collection_runs WHERE id > ${last_run:-0}")
if [[ $before =~ ^[0-9]+$ && $spooled =~ ^[0-9]+$ && $collected =~ ^[0-9]+$ ]] && [ "$spooled" -ge 1 ] && [ "$collected" -ge 1 ] \
    && [ "$after" = $((before + spooled + collected)) ] && [ "$spool_files" = 0 ]; then
    ok "samples of both servers: $before before, $after after ($spooled from the spool, $collected collected since), spool empty"
else
    fail "samples of both servers: $before before, $after after (expected $before + $spooled spooled + $collected collected since), $spool_files spool file(s) left"
fi

phase "no secret in the output"
leaked=""
for value in $secret_values "$password" "$ssh_password"; do
    if grep -rlF -- "$value" "$state"/*.out "$state"/*.log >/dev/null 2>&1; then
        leaked="$leaked $(grep -rlF -- "$value" "$state"/*.out "$state"/*.log | xargs -n 1 basename | tr '\n' ' ')"
    fi
done
if [ -z "$leaked" ]; then
    ok "no password (generated, .env's, the servers') in any make or compose output"
else
    fail "a password appears in:$leaked"
fi

[ "$failures" = 0 ]

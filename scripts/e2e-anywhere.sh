#!/usr/bin/env bash
# `make run` from a clone that other users cannot enter (docs/operations.md, "Native"): root's
# home and `mktemp -d` folders are mode 0700, so neither the postgres user nor nginx's workers
# can reach state or pages kept inside such a clone. scripts/run-tests.sh runs it after
# scripts/e2e-native.sh (SD_SKIP_E2E=1 skips both); it needs no test services:
#
#   scripts/e2e-anywhere.sh
#
# It clones this checkout (HEAD) into a fresh `mktemp -d` folder (mode 0700), lays the working
# tree's files over it (tracked files as they are now, new files that are not ignored, deleted
# ones removed — so uncommitted changes are tested too), and there, with the settings of a
# fresh clone (.env.example: this machine only) on free ports, checks:
#   - `make run` starts, says the state lives under /var/lib/server-dashboard/ and why, and
#     keeps it in /var/lib/server-dashboard/<clone>-<hash>/ (the cluster owned by postgres),
#     with .run in the clone a symlink there that git ignores
#   - the dashboard and the api answer through nginx
#   - with the frontend-renderer stopped (deploy/local/stop.sh frontend-renderer), / is the
#     project's own upstream-down page (nginx/html), not nginx's built-in 503; `make run`
#     again starts only the renderer
#   - `make run-db-stats` shows the first collection
#   - `make stop` stops everything: no process or port of the stack is left
#   - what `make clean` runs (deploy/local/stop.sh --delete-state) deletes the state folder
#     and the symlink
# The state folder and the clone are removed at the end, also on failure.
#
# Binaries: E2E_BIN_DIR [.build/debug] (nothing is built in the clone). Needs root (as CI runs
# it): otherwise it prints SKIPPED and exits 0. SD_E2E_KEEP=1 keeps the clone (not the state).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/common.sh
. "$root/scripts/lib/common.sh"
bin_dir=${E2E_BIN_DIR:-$root/.build/debug}
case $bin_dir in /*) ;; *) bin_dir=$PWD/$bin_dir ;; esac
shared_state_root=/var/lib/server-dashboard

if [ "$(id -u)" != 0 ]; then
    echo "SKIPPED: e2e-anywhere needs root (the state folder goes under $shared_state_root; PostgreSQL runs as the postgres user)"
    exit 0
fi
git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    { echo "SKIPPED: e2e-anywhere clones the checkout, and $root is not a git work tree"; exit 0; }
for program in collector api frontend-renderer; do
    [ -x "$bin_dir/$program" ] || { echo "e2e-anywhere: $bin_dir/$program not found — build first (swift build) or set E2E_BIN_DIR" >&2; exit 1; }
done

started_at=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/sd-e2e-anywhere.XXXXXX")
clone=$work/server-dashboard
state=""
out=$work/out
failures=0

# The services' logs go with the run's artefacts, for the secret scan (scripts/run-tests.sh).
save_logs() {
    if [ -n "${SD_TEST_ARTIFACTS:-}" ] && [ -n "$state" ] && [ -d "$state/logs" ]; then
        mkdir -p "$SD_TEST_ARTIFACTS/e2e-anywhere"
        cp -r "$state/logs" "$SD_TEST_ARTIFACTS/e2e-anywhere/" 2>/dev/null || true
    fi
}

finish() {
    local status=$?
    cd /
    if [ -d "$clone/deploy/local" ]; then
        # whatever is still up (a failed check), by the same scripts a user has
        (cd "$clone" && env -u RUN_DIR deploy/local/stop.sh) >/dev/null 2>&1 || true
    fi
    save_logs
    if [ "$status" != 0 ] || [ "$failures" != 0 ]; then
        for log in "$state"/logs/*.log "$out"; do
            [ -s "$log" ] || continue
            printf '\n--- last lines of %s\n' "$log" >&2
            tail -n 15 "$log" >&2
        done
    fi
    case $state in "$shared_state_root"/?*) rm -rf "$state" ;; esac
    rmdir "$shared_state_root" 2>/dev/null || true
    if [ "$status" != 0 ] || [ "$failures" != 0 ]; then
        printf '\ne2e-anywhere: FAILED (%s failed checks, exit %s)%s\n' "$failures" "$status" \
            "$([ "${SD_E2E_KEEP:-0}" = 1 ] && echo "; clone kept in $clone")" >&2
        [ "$status" != 0 ] || status=1
    else
        printf 'e2e-anywhere: all checks passed in %s s\n' "$(($(date +%s) - started_at))"
    fi
    [ "${SD_E2E_KEEP:-0}" = 1 ] || rm -rf "$work"
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

# --- the clone ------------------------------------------------------------------------
mode=$(stat -c %a "$work")
[ "$mode" = 700 ] || fatal "mktemp -d made $work with mode $mode, not 700"
echo "== cloning $root (HEAD, plus the working tree's changes) into $clone (the folder above it: mode 700)"
git clone -q "$root" "$clone"
(cd "$root" && git ls-files -z --cached --others --exclude-standard) | { grep -zvx '\.run' || true; } |
    (cd "$root" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$clone" -xf -
(cd "$root" && git ls-files -z --deleted) | (cd "$clone" && xargs -0 -r rm -f --)
# This clone's state folder, as deploy/local/common.sh names it.
expected=$shared_state_root/server-dashboard-$(cd "$clone" && pwd -P | tr -d '\n' | sha256sum | cut -c1-8)
[ ! -e "$expected" ] || fatal "$expected exists before the run"
state=$expected

# --- make run ---------------------------------------------------------------------------
# The settings of a fresh clone (.env.example), nothing from the caller's shell, free ports.
scrub_inventory_environment
unset RUN_DIR RUN_ENV_FILE
export RUN_BIN_DIR=$bin_dir RUN_SKIP_DEPS=1 RUN_SKIP_BUILD=1
HTTP_PORT=$(free_port)
API_PORT=$(free_port)
FRONTEND_PORT=$(free_port)
RUN_POSTGRES_PORT=$(free_port)
export HTTP_PORT API_PORT FRONTEND_PORT RUN_POSTGRES_PORT NGINX_LISTEN_ADDRESS=127.0.0.1
ports=("$HTTP_PORT" "$API_PORT" "$FRONTEND_PORT" "$RUN_POSTGRES_PORT")
cd "$clone"

echo "== make run"
if make --no-print-directory run >"$out" 2>&1; then ok "make run in a clone inside a mode-700 folder"; else
    cat "$out" >&2
    fatal "make run failed (above)"
fi
sed 's/^/    /' "$out"
if grep -qF "the clone is in a folder the postgres user cannot enter, so the state lives in $expected/" "$out"; then
    ok "make run says where the state lives and why"
else
    fail "make run does not say that the state lives in $expected/ and why"
fi
if [ -f "$expected/postgres/data/PG_VERSION" ] && [ "$(stat -c %U "$expected/postgres/data")" = postgres ]; then
    ok "the cluster is in $expected/postgres/data, owned by postgres"
else
    fail "no cluster owned by postgres in $expected/postgres/data"
fi
if [ "$(stat -c '%a %U' "$expected")" = "755 root" ] && [ "$(stat -c '%a %U' "$shared_state_root")" = "755 root" ]; then
    ok "$shared_state_root and the clone's folder in it: mode 755, owned by root"
else
    fail "modes: $(stat -c '%n %a %U' "$shared_state_root" "$expected" | tr '\n' ';')"
fi
if [ -L .run ] && [ "$(readlink -f .run)" = "$expected" ]; then ok ".run in the clone points at the state"; else fail ".run is not a symlink to $expected"; fi
if git check-ignore -q .run; then ok "git ignores the .run symlink"; else fail "git status shows the .run symlink (.gitignore must name /.run, not only the folder /.run/)"; fi

# --- through nginx -----------------------------------------------------------------------
base=http://127.0.0.1:$HTTP_PORT
fetch() {
    code=$(curl -sS --max-time 20 -o "$work/body" -w '%{http_code}' "$base$1" 2>/dev/null || echo 000)
}
fetch /
if [ "$code" = 200 ] && grep -q this-machine "$work/body"; then ok "the dashboard answers through nginx, showing this-machine"; else fail "GET / through nginx: $code $(head -c 200 "$work/body")"; fi
fetch /api/health
if [ "$code" = 200 ]; then ok "the api answers through nginx"; else fail "GET /api/health through nginx: $code"; fi

deploy/local/stop.sh frontend-renderer >/dev/null
fetch /
if [ "$code" = 503 ] && grep -q "<title>Server Dashboard is restarting</title>" "$work/body"; then
    ok "frontend-renderer stopped: nginx serves the project's upstream-down page (copied out of the clone)"
else
    fail "frontend-renderer stopped: expected 503 with nginx/html/upstream-down.html, got $code $(head -c 200 "$work/body")"
fi
if make --no-print-directory run >"$out" 2>&1 && grep -q "starting what is not: frontend-renderer" "$out"; then
    ok "make run again starts only the frontend-renderer"
else
    fail "make run again: $(tail -n 3 "$out")"
fi
fetch /
if [ "$code" = 200 ]; then ok "the dashboard answers again"; else fail "GET / after the restart: $code"; fi

# --- run-db-stats -------------------------------------------------------------------------
if make --no-print-directory run-db-stats >"$out" 2>&1 && grep -q latest_collection "$out" && grep -q completed "$out"; then
    ok "make run-db-stats shows the first collection"
else
    fail "make run-db-stats: $(tail -n 5 "$out")"
fi

# --- make stop ----------------------------------------------------------------------------
pids=()
for file in "$expected"/pids/*.pid; do
    [ -f "$file" ] && pids+=("$(cut -d' ' -f1 "$file")")
done
pids+=("$(head -n 1 "$expected/postgres/data/postmaster.pid" 2>/dev/null || true)")
if make --no-print-directory stop >"$out" 2>&1; then ok "make stop"; else fail "make stop: $(tail -n 5 "$out")"; fi
# What still runs of the stack: the recorded pids, and any process naming the state or the
# clone (exited processes waiting to be reaped, state Z, do not count).
leftovers() {
    local pid line state
    for pid in "${pids[@]}" $(grep -lsF -e "$expected" -e "$clone/" /proc/[0-9]*/cmdline | cut -d/ -f3); do
        if [ -z "$pid" ] || [ "$pid" = $$ ]; then continue; fi
        { read -r state <"/proc/$pid/stat"; } 2>/dev/null || continue
        state=${state##*) }
        [ "${state%% *}" != Z ] || continue
        line=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null || true)
        printf ' %s(%s)' "$pid" "${line:0:80}"
    done
}
left=$(leftovers)
for _ in $(seq 50); do
    [ -n "$left" ] || break
    sleep 0.1
    left=$(leftovers)
done
if [ -z "$left" ]; then ok "nothing of the stack runs after make stop"; else fail "still running after make stop:$left"; fi
busy=""
for port in "${ports[@]}"; do [ -z "$(ss -Hltn "sport = :$port")" ] || busy="$busy $port"; done
if [ -z "$busy" ]; then ok "its ports are free"; else fail "ports still listened on after make stop:$busy"; fi

# --- make clean's part ----------------------------------------------------------------------
save_logs
if RUN_DIR='' deploy/local/stop.sh --delete-state >"$out" 2>&1 && [ ! -e "$expected" ] && [ ! -L .run ]; then
    ok "deploy/local/stop.sh --delete-state (make clean) deletes the state folder and .run"
else
    fail "after --delete-state: $(stat -c '%n %F' "$expected" .run 2>&1 | tr '\n' ';') $(tail -n 3 "$out")"
fi

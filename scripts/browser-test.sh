#!/usr/bin/env bash
# The dashboard in a real browser — the last step of `make test` (scripts/run-tests.sh),
# run inside scripts/test-env.sh, which starts the PostgreSQL it needs.
#
#   1. Selenium (pinned in Tests/Browser/requirements.txt) into .build-tools/venv, once;
#   2. seeds a fresh database with the browser fleet (every status, six hours of history
#      with a gap, alerts fired and resolved, a failing server, a user named
#      <script>alert(1)</script>) through the BrowserFleetTests test, which checks it;
#   3. starts .build/debug/frontend-renderer on a free loopback port, refreshing every
#      2 s, against an api that Tests/Browser/browser_test.py starts, stops and restarts;
#   4. puts nginx in front of both (nginx/render.sh), as every deployment does: pages open their
#      event stream at the same origin's /api/events;
#   5. runs Tests/Browser/browser_test.py in Debian's headless chromium (chromium-driver),
#      which saves a PNG of every page into artifacts/screenshots/ (the CI artefact);
#   5b. runs Tests/Browser/fleet_test.py on the same fleet, tagged: filters, tags and the compact view
#      (a second renderer with DASHBOARD_CARD_LIMIT=5), accessibility and HTML checks, screenshots;
#   6. runs Tests/Browser/live_test.py: live pages against a native stack of its own (make run's
#      deploy/local scripts: collections, an alert, JavaScript off, a PostgreSQL outage).
#
# Settings: SD_BROWSER_SCREENSHOTS (artifacts/screenshots), SD_BROWSER_VENV
# (.build-tools/venv), SD_BUILD_DIR (.build/debug). Needs `swift build --build-tests` first.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/common.sh
. "$root/scripts/lib/common.sh"
cd "$root"
build=${SD_BUILD_DIR:-$root/.build/debug}
shots=${SD_BROWSER_SCREENSHOTS:-$root/artifacts/screenshots}
: "${SD_TEST_DATABASE_URL:?run through scripts/test-env.sh (make test does)}"
for tool in chromium chromedriver python3 curl; do
    command -v "$tool" >/dev/null || { echo "the browser test needs $tool (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
for binary in api frontend-renderer; do
    [ -x "$build/$binary" ] || { echo "$build/$binary is missing: run \`swift build --build-tests\` first" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/browser-test.XXXXXX")
renderer_pid=""
nginx_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    status=$?
    if [ -n "$nginx_pid" ]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
    if [ -n "$renderer_pid" ]; then kill "$renderer_pid" 2>/dev/null || true; wait "$renderer_pid" 2>/dev/null || true; fi
    # The api belongs to the Python test; stop it if the test itself died.
    if [ -s "$work/api.pid" ]; then kill "$(cat "$work/api.pid")" 2>/dev/null || true; fi
    if [ "$status" != 0 ]; then
        for log in "$work"/seed.log "$work"/renderer.log "$work"/api.log "$work"/nginx-error.log; do
            [ -s "$log" ] && { echo "--- $log (last lines)"; tail -n 30 "$log"; }
        done >&2
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT INT TERM

echo "== browser test: Selenium"
"$root/scripts/browser-venv.sh"
venv=${SD_BROWSER_VENV:-$root/.build-tools/venv}

echo "== browser test: seeding the fleet"
SD_BROWSER_FLEET_FILE="$work/fleet-url" swift test --skip-build --filter BrowserFleetTests >"$work/seed.log" 2>&1 ||
    { cat "$work/seed.log" >&2; echo "seeding the browser fleet failed" >&2; exit 1; }
database_url=$(cat "$work/fleet-url")

echo "== browser test: starting the renderer"
api_port=$(free_port)
renderer_port=$(free_port)
env -i PATH="$PATH" FRONTEND_HOST=127.0.0.1 FRONTEND_PORT="$renderer_port" API_URL="http://127.0.0.1:$api_port" \
    REFRESH_INTERVAL_SECONDS=2 API_TIMEOUT_SECONDS=3 LOG_LEVEL=warning \
    "$build/frontend-renderer" --env-file /dev/null >"$work/renderer.log" 2>&1 &
renderer_pid=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$renderer_port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$renderer_port/healthz" >/dev/null || { echo "the renderer did not start" >&2; exit 1; }

# nginx in front, as in every deployment: pages open their event stream at the same origin's
# /api/events (docs/dashboard.md, "Live updates"), which nginx passes to the api.
echo "== browser test: nginx in front"
nginx_port=$(free_port)
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
chmod 755 "$work"
HTTP_PORT=$nginx_port NGINX_LISTEN_ADDRESS=127.0.0.1 API_UPSTREAM=127.0.0.1:$api_port FRONTEND_UPSTREAM=127.0.0.1:$renderer_port \
    NGINX_DAEMON=off NGINX_ERROR_LOG="$work/nginx-error.log" "$root/nginx/render.sh" "$work/nginx" >/dev/null
"$nginx_bin" -e "$work/nginx-error.log" -c "$work/nginx/nginx.conf" >"$work/nginx.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$nginx_port/nginx-health" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$nginx_port/nginx-health" >/dev/null || { echo "nginx did not start (see $work/nginx-error.log)" >&2; exit 1; }

echo "== browser test: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), screenshots in $shots"
rm -rf "$shots"
mkdir -p "$shots"
browser_status=0
SD_BROWSER_BASE_URL="http://127.0.0.1:$nginx_port" SD_BROWSER_API="$build/api" SD_BROWSER_API_PORT="$api_port" \
    SD_BROWSER_DATABASE_URL="$database_url" SD_BROWSER_WORK="$work" SD_BROWSER_SCREENSHOTS="$shots" SD_BROWSER_REFRESH=2 \
    "$venv/bin/python" -u "$root/Tests/Browser/browser_test.py" || browser_status=1

echo "== browser test: tags, filters and the compact view"
SD_BROWSER_BASE_URL="http://127.0.0.1:$nginx_port" SD_BROWSER_API="$build/api" SD_BROWSER_API_PORT="$api_port" \
    SD_BROWSER_DATABASE_URL="$database_url" SD_BROWSER_WORK="$work" SD_BROWSER_SCREENSHOTS="$shots" SD_BROWSER_REFRESH=2 \
    "$venv/bin/python" -u "$root/Tests/Browser/fleet_test.py" || browser_status=1

echo "== browser test: the server page's deeper sections"
if SD_BROWSER_DEEPER_FILE="$work/deeper-url" swift test --skip-build --filter DeeperServerPageTests >"$work/seed.log" 2>&1; then
    SD_BROWSER_BASE_URL="http://127.0.0.1:$nginx_port" SD_BROWSER_API="$build/api" SD_BROWSER_API_PORT="$api_port" \
        SD_BROWSER_DATABASE_URL="$(cat "$work/deeper-url")" SD_BROWSER_WORK="$work" SD_BROWSER_SCREENSHOTS="$shots" SD_BROWSER_REFRESH=2 \
        "$venv/bin/python" -u "$root/Tests/Browser/deeper_test.py" || browser_status=1
else
    cat "$work/seed.log" >&2
    echo "seeding the deeper server page failed" >&2
    browser_status=1
fi

echo "== browser test: live pages (the native stack of make run: events, alerts, JavaScript off, a database outage)"
SD_BUILD_DIR="$build" SD_BROWSER_SCREENSHOTS="$shots" "$venv/bin/python" -u "$root/Tests/Browser/live_test.py" || browser_status=1
exit "$browser_status"

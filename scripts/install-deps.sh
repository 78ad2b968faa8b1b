#!/usr/bin/env bash
# Installs the Debian packages Server Dashboard needs to build, test and run natively.
# Idempotent: packages already present are not touched, and apt-get runs only when
# something is missing. Needs root (or sudo).
#
#   scripts/install-deps.sh          build + test + native run packages
set -eu

packages=(
    # C libraries the Swift targets link against
    libpq-dev libssh2-1-dev zlib1g-dev
    # PostgreSQL server and client for tests and `make run`
    postgresql postgresql-client
    # sshd test hosts and the probe's shells
    openssh-server openssh-client dash busybox procps
    # script checks
    shellcheck
    # helpers used by scripts
    ca-certificates curl iproute2 openssl
    # the front proxy (tests, `make run`) and the load generator of the benchmarks
    nginx-light wrk
    # the real-browser test and `make bench-pages`: headless Chromium driven by Selenium
    # (pip, in a venv: scripts/browser-venv.sh)
    chromium chromium-driver python3 python3-venv fonts-dejavu-core
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL's Debian package starts a cluster of its own; the project never uses it.
if ! command -v swift >/dev/null 2>&1 && [ ! -x /opt/swift/usr/bin/swift ]; then
    echo "Swift 6 is not installed: put a Swift 6.x toolchain on PATH (this project is built with 6.3)" >&2
    exit 1
fi

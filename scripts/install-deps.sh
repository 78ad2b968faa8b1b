#!/usr/bin/env bash
# Installs the Debian packages Server Dashboard needs to build, test and run natively.
# Idempotent: packages already present are not touched, and apt-get runs only when
# something is missing. Needs root (or sudo).
#
#   scripts/install-deps.sh                  build + test + native run packages
#   scripts/install-deps.sh --build          only what compiling needs (the images' build stage)
#   scripts/install-deps.sh --runtime NAME   only what one image runs: api, frontend-renderer,
#                                            collector, nginx or postgres; ssh-test-host is
#                                            the sshd test host of scripts/e2e-compose.sh
#   scripts/install-deps.sh --toolchain      what the Swift toolchain itself needs to compile
#                                            and link (the swift:…-bookworm base image that
#                                            scripts/e2e-compose.sh makes from /opt/swift)
#   scripts/install-deps.sh --docker         a container engine on this machine for
#                                            scripts/e2e-compose.sh: docker.io, docker-compose,
#                                            debootstrap (apt's lists are kept)
# The images call it too (services/*/Dockerfile), so their packages cannot drift from the
# ones CI tests with. In --build, --toolchain and --runtime modes apt's lists are removed
# afterwards.
set -eu

mode=${1:-all}
case $mode in
    all|--build|--toolchain|--docker) ;;
    --runtime)
        service=${2:?usage: scripts/install-deps.sh --runtime api|frontend-renderer|collector|nginx|postgres} ;;
    *) echo "usage: scripts/install-deps.sh [--build | --toolchain | --docker | --runtime SERVICE]" >&2; exit 2 ;;
esac

# The run images: the shared libraries the static-stdlib binaries link against
# (scripts/build-release.sh), curl for the HEALTHCHECK, and each image's own programs.
runtime_common=(libpq5 libssh2-1 zlib1g libcurl4 ca-certificates curl)

packages=(
    # C libraries the Swift targets link against (libcurl and libcrypto: notifications)
    libpq-dev libssh2-1-dev zlib1g-dev libcurl4-openssl-dev libssl-dev
    # the SMTP server the notification tests deliver to (Tests/NotifyReceivers/smtp_receiver.py)
    python3-aiosmtpd
    # PostgreSQL server and client for tests and `make run`
    postgresql postgresql-client
    # sshd test hosts and the probe's shells
    openssh-server openssh-client dash busybox procps
    # script checks; Python for schemathesis's virtual environment (scripts/schemathesis.sh)
    shellcheck python3 python3-venv
    # helpers used by scripts
    ca-certificates curl iproute2 openssl
    # the front proxy (tests, `make run`) and the load generator of the benchmarks
    nginx-light wrk
    # deployment checks (scripts/check-deploy.sh: `docker-compose config`) and `make up`
    docker-compose
    # the real-browser test and `make bench-pages`: headless Chromium driven by Selenium
    # (pip, in a venv: scripts/browser-venv.sh)
    chromium chromium-driver python3 python3-venv fonts-dejavu-core
)

case $mode in
    --build) packages=(libpq-dev libssh2-1-dev zlib1g-dev libcurl4-openssl-dev libssl-dev pkg-config git ca-certificates) ;;
    # The libraries swift-frontend, swift-package and clang load (libcurl, libsqlite3,
    # libncurses, libstdc++), the C runtime and headers they compile and link against, and
    # binutils (strip, ar). What the official swift:bookworm image installs for lldb and the
    # REPL (python, libedit, libz3, gnupg) is left out: the image only builds.
    --toolchain) packages=(binutils git ca-certificates libc6-dev libcurl4-openssl-dev libgcc-12-dev
        libncurses-dev libsqlite3-0 libstdc++-12-dev libxml2-dev pkg-config tzdata zlib1g-dev) ;;
    # dockerd (it brings containerd, runc and iptables), the compose client the Makefile
    # uses, debootstrap for the base images, and curl/python3 for the checks.
    --docker) packages=(docker.io docker-compose debootstrap iptables curl python3) ;;
    --runtime)
        case $service in
            api|frontend-renderer) packages=("${runtime_common[@]}") ;;
            # cron runs the job; setpriv (util-linux, always present) drops to the service user
            collector) packages=("${runtime_common[@]}" cron) ;;
            # render.sh needs openssl for the basic-auth hash
            nginx) packages=(nginx-light openssl ca-certificates curl) ;;
            postgres) packages=(postgresql-15 postgresql-client-15) ;;
            # the test host: sshd, and what the collector's probe runs (ps, free, uptime)
            ssh-test-host) packages=(openssh-server procps) ;;
            *) echo "install-deps.sh: no runtime set for '$service'" >&2; exit 2 ;;
        esac ;;
esac

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

if [ "$mode" = --docker ]; then exit 0; fi
if [ "$mode" != all ]; then
    # An image layer: keep it small. The native run and CI keep apt's lists.
    rm -rf /var/lib/apt/lists/*
    if [ "$mode" = --runtime ] || [ "$mode" = --toolchain ]; then exit 0; fi
fi

# promtool, Prometheus's linter, for the check of a live /metrics in scripts/e2e-native.sh:
# taken out of Debian's prometheus package into .build-tools/promtool/ without installing
# the package (whose post-install script would start a prometheus daemon).
promtool_dir=$(cd "$(dirname "$0")/.." && pwd)/.build-tools/promtool
if [ ! -x "$promtool_dir/promtool" ]; then
    echo "extracting promtool from Debian's prometheus package into $promtool_dir"
    download=$(mktemp -d)
    if ! (cd "$download" && apt-get download -qq -o APT::Sandbox::User=root prometheus 2>/dev/null); then
        sudo=""
        if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
        $sudo apt-get update -qq
        (cd "$download" && apt-get download -qq -o APT::Sandbox::User=root prometheus)
    fi
    dpkg-deb -x "$download"/prometheus_*.deb "$download/root"
    mkdir -p "$promtool_dir"
    cp "$download/root/usr/bin/promtool" "$promtool_dir/promtool.new"
    mv "$promtool_dir/promtool.new" "$promtool_dir/promtool"
    rm -rf "$download"
fi
"$promtool_dir/promtool" --version >/dev/null

# PostgreSQL's Debian package starts a cluster of its own; the project never uses it.
if ! command -v swift >/dev/null 2>&1 && [ ! -x /opt/swift/usr/bin/swift ]; then
    echo "Swift 6 is not installed: put a Swift 6.x toolchain on PATH (this project is built with 6.3)" >&2
    exit 1
fi

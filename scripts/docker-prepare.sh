#!/usr/bin/env bash
# Prepares what the images' build stage needs from the host, in .build-docker/ (ignored
# by git, sent to `docker build` through .dockerignore's exceptions):
#
#   scripts/docker-prepare.sh
#
#   .build-docker/Package.resolved   the host's pins, so the images build the versions
#                                    the tests ran against
#   .build-docker/swift-mirror/OWNER/REPO.git
#                                    a bare mirror of every package in Package.resolved
#
# Why a mirror: the build stage must resolve Swift packages without reaching GitHub
# (machines like CI's reach no registry but Debian's and PyPI). `git clone --mirror URL`
# runs on the host, so git's own rules apply: where git reads github.com from a local
# folder (`url.<folder>.insteadOf=https://github.com/` in the system config) the
# mirror is copied from there, elsewhere it is fetched from GitHub. Inside the build
# stage scripts/build-release.sh points git at the mirror the same way (insteadOf), so
# SwiftPM runs its normal resolution against local repositories — no checkouts or
# workspace state are copied, and nothing in Package.swift changes.
#
# Without Swift on the host there is nothing to resolve with: the mirror stays empty
# and the build stage resolves from GitHub itself (works wherever GitHub is reachable).
set -eu
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

out=.build-docker
mirror=$out/swift-mirror
mkdir -p "$mirror"

if ! command -v swift >/dev/null 2>&1; then
    echo "docker-prepare: no Swift on this machine; the images will resolve packages from GitHub" >&2
    rm -f "$out/Package.resolved"
    : >"$out/Package.resolved.absent"
    exit 0
fi
rm -f "$out/Package.resolved.absent"

swift package resolve >/dev/null
cp Package.resolved "$out/Package.resolved"

locations=$(sed -n 's/^ *"location" : "\(.*\)",\{0,1\}$/\1/p' Package.resolved)
[ -n "$locations" ] || { echo "docker-prepare: no package locations in Package.resolved" >&2; exit 1; }

wanted=""
for location in $locations; do
    case $location in
        https://github.com/*) ;;
        *) echo "docker-prepare: $location is not on github.com; extend this script and build-release.sh for it" >&2; exit 1 ;;
    esac
    path=${location#https://github.com/}
    path=${path%.git}.git
    wanted="$wanted $path"
    if [ -d "$mirror/$path" ]; then
        git -C "$mirror/$path" fetch --quiet --prune origin
        # A fetch writes FETCH_HEAD, which a fresh clone does not have: left there it would
        # change the build context and make Docker recompile the whole package.
        rm -f "$mirror/$path/FETCH_HEAD"
    else
        mkdir -p "$(dirname "$mirror/$path")"
        git clone --quiet --mirror "$location" "$mirror/$path"
    fi
done

# Drop mirrors of packages the pins no longer name.
for existing in "$mirror"/*/*.git; do
    [ -d "$existing" ] || continue
    case " $wanted " in *" ${existing#"$mirror"/} "*) ;; *) rm -rf "$existing" ;; esac
done
echo "docker-prepare: $(echo "$wanted" | wc -w) package mirrors in $mirror ($(du -sh "$mirror" | cut -f1))"

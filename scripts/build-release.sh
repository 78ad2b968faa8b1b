#!/usr/bin/env bash
# Builds the three executables in release mode, with the Swift runtime linked in
# statically (the run images then need no Swift toolchain), and copies them out:
#
#   scripts/build-release.sh OUTPUT_DIR [PRODUCT...]   (default: collector api frontend-renderer)
#
# SWIFT_PACKAGE_MIRROR=DIR: resolve github.com packages from the bare mirrors in DIR
# (made by scripts/docker-prepare.sh) instead of the network. This is how the images'
# build stage gets its package sources; see docker-prepare.sh for why.
# Used by every service Dockerfile; run it natively the same way.
set -eu
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

out=${1:?usage: scripts/build-release.sh OUTPUT_DIR [PRODUCT...]}
shift
products=("$@")
[ ${#products[@]} -gt 0 ] || products=(collector api frontend-renderer)

if [ -n "${SWIFT_PACKAGE_MIRROR:-}" ]; then
    if [ -n "$(ls -A "$SWIFT_PACKAGE_MIRROR" 2>/dev/null)" ]; then
        mirror=$(cd "$SWIFT_PACKAGE_MIRROR" && pwd)
        # The same rule the CI machines use for their own mirror: git rewrites every
        # github.com URL to a local path; "OWNER/REPO" finds "OWNER/REPO.git".
        git config --global "url.$mirror/.insteadOf" https://github.com/
        echo "build-release: Swift packages from $mirror"
    else
        echo "build-release: $SWIFT_PACKAGE_MIRROR is empty; resolving Swift packages from GitHub"
    fi
fi

mkdir -p "$out"
flags=(-c release --static-swift-stdlib)
# Resolution first, on its own, so a missing package says so before a long build.
swift package resolve
for product in "${products[@]}"; do
    swift build "${flags[@]}" --product "$product"
done
bin=$(swift build "${flags[@]}" --show-bin-path)
for product in "${products[@]}"; do
    cp "$bin/$product" "$out/$product"
    if command -v strip >/dev/null 2>&1; then strip "$out/$product"; fi
done
ls -l "$out"

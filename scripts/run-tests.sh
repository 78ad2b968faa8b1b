#!/usr/bin/env bash
# The test passes `make test` runs inside scripts/test-env.sh: first the CPU-heavy
# probe-parser mutation suite on its own (so it cannot crowd out the tests that time
# deadlines), then everything else, then the dashboard in a real browser
# (scripts/browser-test.sh; SD_SKIP_BROWSER=1 skips it). Extra arguments go to both
# `swift test` calls.
set -eu
swift test --skip-build --filter ProbeMutationTests "$@"
swift test --skip-build --skip ProbeMutationTests "$@"
if [ "${SD_SKIP_BROWSER:-0}" = 1 ]; then
    echo "browser test skipped (SD_SKIP_BROWSER=1)"
else
    "$(dirname "$0")/browser-test.sh"
fi

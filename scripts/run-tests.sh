#!/usr/bin/env bash
# The test passes `make test` runs inside scripts/test-env.sh: first the CPU-heavy
# probe-parser mutation suite on its own (so it cannot crowd out the tests that time
# deadlines), then everything else, then the native stack end to end through nginx
# (scripts/e2e-native.sh; SD_SKIP_E2E=1 skips it), then schemathesis against the running
# api (scripts/schemathesis.sh; SD_SKIP_SCHEMATHESIS=1 skips it), then the dashboard in a
# real browser (scripts/browser-test.sh; SD_SKIP_BROWSER=1 skips it). Extra arguments go
# to both `swift test` calls.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
swift test --skip-build --filter ProbeMutationTests "$@"
swift test --skip-build --skip ProbeMutationTests "$@"
if [ "${SD_SKIP_E2E:-0}" = 1 ]; then
    echo "native end-to-end test skipped (SD_SKIP_E2E=1)"
else
    "$here/e2e-native.sh"
fi
if [ "${SD_SKIP_SCHEMATHESIS:-0}" = 1 ]; then
    echo "schemathesis skipped (SD_SKIP_SCHEMATHESIS=1)"
else
    "$here/schemathesis.sh"
fi
if [ "${SD_SKIP_BROWSER:-0}" = 1 ]; then
    echo "browser test skipped (SD_SKIP_BROWSER=1)"
else
    "$here/browser-test.sh"
fi

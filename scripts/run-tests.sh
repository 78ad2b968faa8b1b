#!/usr/bin/env bash
# The test passes `make test` runs inside scripts/test-env.sh: first the CPU-heavy
# probe-parser mutation suite on its own (so it cannot crowd out the tests that time
# deadlines), then everything else. Extra arguments go to both `swift test` calls.
set -eu
swift test --skip-build --filter ProbeMutationTests "$@"
swift test --skip-build --skip ProbeMutationTests "$@"

#!/usr/bin/env bash
# The test passes `make test` runs inside scripts/test-env.sh: first the CPU-heavy
# probe-parser mutation suite on its own, then the tests that time real waits on their
# own (so neither crowds out or is crowded by other tests), then everything else, then
# the native stack end to end through nginx
# (scripts/e2e-native.sh) and `make run` from a clone in a mode-0700 folder
# (scripts/e2e-anywhere.sh; SD_SKIP_E2E=1 skips both), then schemathesis against the running
# api (scripts/schemathesis.sh; SD_SKIP_SCHEMATHESIS=1 skips it), then the dashboard in a
# real browser (scripts/browser-test.sh; SD_SKIP_BROWSER=1 skips it), and finally the
# secret scan of everything the run produced. Extra arguments go to every `swift test` call.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

# Everything this run prints, every answer its tests receive (SD_TEST_RESPONSE_LOG) and the
# native stack's logs go to artifacts/test-run/; at the end scripts/secret-scan.py checks
# that none of it holds a password, passphrase or private key. Secrets a pass makes up
# itself are listed (for the scan only) in SD_TEST_SECRETS_FILE, removed on exit.
out=${SD_TEST_OUTPUT_DIR:-$here/../artifacts/test-run}
rm -rf "$out"
mkdir -p "$out"
SD_TEST_SECRETS_FILE=$(mktemp)
export SD_TEST_ARTIFACTS=$out SD_TEST_RESPONSE_LOG=$out/responses.log SD_TEST_SECRETS_FILE
trap 'rm -f "$SD_TEST_SECRETS_FILE"' EXIT
exec > >(tee "$out/output.log") 2> >(tee "$out/errors.log" >&2)

# The api and the frontend-renderer link FoundationEssentials only (docs/architecture.md): a
# dependency or an `import Foundation` that brings back libFoundation and ICU fails here.
for binary in api frontend-renderer; do
    if ldd "$here/../.build/debug/$binary" | grep -E 'lib(Foundation|FoundationInternationalization|_FoundationICU)\.so'; then
        echo "the $binary links the whole of Foundation; it must import FoundationEssentials only (docs/architecture.md)" >&2
        exit 1
    fi
done
# The test tooling's Python (scripts/browser-venv.sh): XLSXOpenPyXLTests reads workbooks with
# its openpyxl, and fails rather than skips when this run's Python lacks it.
"$here/browser-venv.sh"
export SD_TEST_PYTHON="${SD_BROWSER_VENV:-$here/../.build-tools/venv}/bin/python" SD_REQUIRE_OPENPYXL=1
swift test --skip-build --filter ProbeMutationTests "$@"
# The tests that time real waits (an SSH deadline of 2 s must end by 6 s; eight 1-s
# queries on eight connections must overlap; eight webhook sends to a hanging receiver must
# overlap) run on their own, so the hundreds of tests
# and the processes they start in the next pass cannot delay them.
timed='RemoteExecTests|blockingCallsRunInParallelOffTheCooperativePool|concurrentSends'
swift test --skip-build --filter "$timed" "$@"
swift test --skip-build --skip ProbeMutationTests --skip "$timed" "$@"
if [ "${SD_SKIP_E2E:-0}" = 1 ]; then
    echo "native end-to-end tests skipped (SD_SKIP_E2E=1)"
else
    "$here/e2e-native.sh"
    "$here/e2e-anywhere.sh"
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
python3 "$here/secret_scan_test.py"
python3 "$here/secret-scan.py" "$out"

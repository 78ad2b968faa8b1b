#!/usr/bin/env bash
# `make test-unit`: the tests that need none of the services `make test` provides, after
# `swift build --build-tests`; no PostgreSQL, no sshd test hosts, nothing started.
#
# A suite says what it needs with the tags of Tests/TestTags/Tag+Services.swift; this
# skips every suite and test carrying one. Swift Testing 6.3 filters by name only (no
# `--filter tag:`), so the names come from the built tests' own listing, tags included.
# The test services' SD_TEST_* settings are removed first: a test that reaches a service
# without its tag fails (TestSupport throws without them, and says which tag is missing).
# Extra arguments go to the test runner (e.g. --filter ProbeParser).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

for variable in $(compgen -e | grep '^SD_TEST_' || true); do unset "$variable"; done

mapfile -t tags < <(sed -n 's/^ *@Tag public static var \([A-Za-z]*\):.*/\1/p' "$root/Tests/TestTags/Tag+Services.swift")
if [ "${#tags[@]}" = 0 ]; then
    echo "no service tags found in Tests/TestTags/Tag+Services.swift" >&2
    exit 1
fi

# The test bundle `swift build --build-tests` links, run directly: no package load, and no
# wait for the lock of another SwiftPM working in .build.
tests=(.build/debug/server-dashboardPackageTests.xctest --testing-library swift-testing)
cd "$root"
listing=$(mktemp)
trap 'rm -f "$listing"' EXIT
"${tests[@]}" --list-tests --event-stream-output-path "$listing" --event-stream-version 0 >/dev/null
skip=$(
    python3 - "$listing" "${tags[@]}" <<'PYTHON'
import json, re, sys

listing, tags = sys.argv[1], {"." + tag for tag in sys.argv[2:]}
ids = set()
for line in open(listing, encoding="utf-8"):
    record = json.loads(line)
    if record.get("kind") == "test" and tags & set(record["payload"].get("_tags", [])):
        ids.add(record["payload"]["id"])
if not ids:
    sys.exit("no suite carries a service tag: the listing of the built tests is not what this script expects")
print("|".join("^" + re.escape(test) + "(/|$)" for test in sorted(ids)))
PYTHON
)
echo "skipping the $(tr '|' '\n' <<<"$skip" | wc -l) suites and tests tagged ${tags[*]}"
rm -f "$listing"
# As in scripts/run-tests.sh, the suites that time real waits (LocalRunnerTests: a 1-s probe
# timeout must end within 6 s) run on their own, so the CPU-heavy parser suites cannot delay them.
timed='RemoteExecTests'
"${tests[@]}" --skip "$skip" --filter "$timed" "$@"
exec "${tests[@]}" --skip "$skip" --skip "$timed" "$@"

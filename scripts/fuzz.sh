#!/usr/bin/env bash
# `make fuzz` and CI: builds the libFuzzer targets of Fuzz/ (a package of their own, release,
# -sanitize=fuzzer,address) and runs them side by side for a bounded time, then prints the
# executions, time and rate of each. Exits non-zero on any crash, failed check, hang
# (-timeout), out-of-memory or sanitizer report; the input that did it is saved under
# Fuzz/artifacts/<target>/ and the command to replay it is printed.
#
#   probe      ProbeParserFuzzer      probe output bytes → ProbeParser
#   inventory  InventoryParserFuzzer  .env text → DotEnv → InventoryParser (SERVERn_*)
#   query      QueryParametersFuzzer  query strings → QueryParameters, HistoryWindow
#
# Settings (environment):
#   FUZZ_SECONDS     seconds per target [60]
#   FUZZ_PROBE_RUNS  run the probe target for this many executions instead of FUZZ_SECONDS
#                    (CI: 1000000)
#   FUZZ_TARGETS     the targets to run [probe inventory query]
#   FUZZ_TIMEOUT     seconds one input may take before it counts as a hang [10]
#   FUZZ_SANITIZE    what -sanitize= builds with [fuzzer,address]; `fuzzer` alone runs
#                    several times faster (CI's short pass), still with Swift's bounds and
#                    overflow checks, unsafe pointers included (-assert-config Debug)
#   FUZZ_BUILD_ONLY  1: build, run nothing
# Further arguments go to every fuzzer (any libFuzzer flag, e.g. -max_len=2048).
#
# Each target keeps its corpus in Fuzz/corpus/<target>/ between runs, seeded from the probe
# fixtures, .env.example, Fuzz/seeds/ and the saved regression inputs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="/opt/swift/usr/bin:$PATH"

seconds=${FUZZ_SECONDS:-60}
probe_runs=${FUZZ_PROBE_RUNS:-}
targets=${FUZZ_TARGETS:-probe inventory query}
timeout=${FUZZ_TIMEOUT:-10}
sanitize=${FUZZ_SANITIZE:-fuzzer,address}
# One build folder per sanitizer set, so switching does not rebuild the other.
# lld: gold fails on the sanitizer runtime's symbols.
build=(swift build --package-path Fuzz --scratch-path "Fuzz/.build-${sanitize//,/-}" -c release
    -Xswiftc -sanitize="$sanitize" -Xswiftc -assert-config -Xswiftc Debug -Xswiftc -use-ld=lld)
# No allocation stacks and a small quarantine: several times the executions per second.
# Replay a saved input with ASAN_OPTIONS unset for full allocation stacks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=16}
# libFuzzer and the sanitizer report a crash; Swift's own backtracer would only slow that down.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

executable() {
    case "$1" in
        probe) echo ProbeParserFuzzer ;;
        inventory) echo InventoryParserFuzzer ;;
        query) echo QueryParametersFuzzer ;;
        *) echo "unknown fuzz target '$1' (probe, inventory, query)" >&2; return 1 ;;
    esac
}

# Where a target's saved regression inputs live (Tests/…/Fixtures/fuzz-regressions/).
regressions() {
    case "$1" in
        probe) echo Tests/DashboardCoreTests/Fixtures/fuzz-regressions/probe ;;
        inventory) echo Tests/DashboardCoreTests/Fixtures/fuzz-regressions/inventory ;;
        query) echo Tests/APISupportTests/Fixtures/fuzz-regressions ;;
    esac
}

# The read-only seed folders of a target that exist.
seeds() {
    local folder
    case "$1" in
        probe) folder=Tests/DashboardCoreTests/Fixtures ;;
        inventory) folder=Fuzz/seeds/inventory ;;
        query) folder=Fuzz/seeds/query ;;
    esac
    for folder in "$folder" "$(regressions "$1")"; do
        if [ -d "$folder" ]; then echo "$folder"; fi
    done
}

for target in $targets; do executable "$target" >/dev/null; done

echo "== fuzz: build (release, -sanitize=$sanitize)"
build_started=$(date +%s)
build_log=$(mktemp)
if ! "${build[@]}" >"$build_log" 2>&1; then
    tail -n 60 "$build_log"
    echo "the fuzz build failed" >&2
    exit 1
fi
rm -f "$build_log"
bin=$("${build[@]}" --show-bin-path)
echo "built in $(( $(date +%s) - build_started )) s: $bin"
if [ "${FUZZ_BUILD_ONLY:-0}" = 1 ]; then exit 0; fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
mkdir -p Fuzz/corpus Fuzz/artifacts

for target in $targets; do
    name=$(executable "$target")
    mkdir -p "Fuzz/corpus/$target" "Fuzz/artifacts/$target"
    if [ "$target" = inventory ]; then cp -n .env.example "Fuzz/corpus/$target/env.example"; fi
    if [ "$target" = probe ] && [ -n "$probe_runs" ]; then
        budget=(-runs="$probe_runs")
        echo "== fuzz: $target ($name) for $probe_runs executions"
    else
        budget=(-max_total_time="$seconds")
        echo "== fuzz: $target ($name) for $seconds s"
    fi
    # shellcheck disable=SC2046 # seed folders are plain words
    (
        started=$(date +%s.%N)
        status=0
        "$bin/$name" "${budget[@]}" -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 \
            -dict="Fuzz/dictionaries/$target.dict" -artifact_prefix="Fuzz/artifacts/$target/" "$@" \
            "Fuzz/corpus/$target" $(seeds "$target") >"$logs/$target.log" 2>&1 || status=$?
        echo "$status $(date +%s.%N) $started" >"$logs/$target.status"
    ) &
done
wait

failed=0
echo "== fuzz: results"
printf '%-10s %12s %9s %10s %8s  %s\n' target executions seconds "exec/s" corpus result
for target in $targets; do
    read -r status finished started <"$logs/$target.status"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -n 1)
    corpus=$(find "Fuzz/corpus/$target" -type f | wc -l)
    elapsed=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.1f", b - a }')
    rate=$(awk -v n="${runs:-0}" -v t="$elapsed" 'BEGIN { printf "%d", (t > 0 ? n / t : 0) }')
    result=ok
    if [ "$status" != 0 ]; then
        result="FAILED (exit $status)"
        failed=1
    fi
    printf '%-10s %12s %9s %10s %8s  %s\n' "$target" "${runs:-?}" "$elapsed" "$rate" "$corpus" "$result"
done

for target in $targets; do
    read -r status _ <"$logs/$target.status"
    [ "$status" = 0 ] && continue
    name=$(executable "$target")
    echo
    echo "== fuzz: $target failed; the end of its log:"
    grep -v -E '^(#[0-9]+|INFO:|\s*$)' "$logs/$target.log" | tail -n 40
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$logs/$target.log" | tail -n 1)
    if [ -n "$artifact" ]; then
        echo "-- the input ($artifact), first bytes:"
        od -A d -c "$artifact" | head -n 12
        echo "-- replay it: $bin/$name $artifact"
        echo "-- once fixed, keep it as a regression test: copy it into $(regressions "$target")/ (docs/testing.md, Fuzzing)"
    fi
done
exit "$failed"

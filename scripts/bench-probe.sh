#!/usr/bin/env bash
# `make bench-probe`: what the probe costs a monitored host, with every section against the
# probe before the deeper sections (issue #18's budget: at most 1.2x the CPU per run, under
# 64 KB of output on a typical host). It is a benchmark, not a test: it exits 0 whether or
# not the budget is met (unless BENCH_STRICT=1), non-zero only when it could not measure.
#
#   scripts/bench-probe.sh                       # locally, and over ssh when test hosts run
#   SD_TEST_SERVICES="postgres ssh" scripts/test-env.sh scripts/bench-probe.sh
#
# CPU per run is the user + system time of the probe's `sh` and every process it waited
# for (awk, df, ps, timeout, docker …), as the POSIX `times` builtin of the shell that ran
# it reports its children, over BENCH_PROBE_RUNS runs of each probe, interleaved in blocks
# of 5 so a machine busy with something else weighs on both alike. Output size is one run's
# bytes. Two places:
#   - locally: `sh probe.sh` on this machine, as the user running the script;
#   - over ssh, when SD_TEST_SSH_HOSTS/PORT/USER/KEY_ED25519 are set (scripts/test-env.sh starts
#     the sshd test hosts): the probe is copied to the first test host and run there as the
#     test user, which is how the collector runs it (sshd's own cost is not counted).
#
# Settings (environment):
#   BENCH_PROBE_RUNS (30)   BENCH_STRICT (0)
#   BENCH_PROBE_BASE_REF (4a011fe: the last commit before the deeper sections) or
#   BENCH_PROBE_BASE (a probe file to compare with instead)
#   BENCH_PROBE (Sources/Collector/Resources/probe.sh)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${BENCH_PROBE_RUNS:-30}
case $runs in '' | *[!0-9]*) echo "bench-probe: BENCH_PROBE_RUNS must be a number" >&2; exit 2 ;; esac
[ "$runs" -ge 5 ] || { echo "bench-probe: BENCH_PROBE_RUNS must be at least 5" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sd-bench-probe.XXXXXX")
trap 'rm -rf "$work"' EXIT
new=${BENCH_PROBE:-Sources/Collector/Resources/probe.sh}
base_ref=${BENCH_PROBE_BASE_REF:-4a011fe}
if [ -n "${BENCH_PROBE_BASE:-}" ]; then
    cp "$BENCH_PROBE_BASE" "$work/base.sh"
    base_label=$BENCH_PROBE_BASE
else
    git show "$base_ref:Sources/Collector/Resources/probe.sh" >"$work/base.sh"
    base_label="probe.sh at $base_ref"
fi
cp "$new" "$work/new.sh"

# The shell snippet that runs probe file $1 $2 times, then prints `times` (not in a pipe: a
# subshell would report its own children): its second line is the children's CPU time,
# "0m1.23s 0m0.45s" (dash: "0m1.230000s …").
measure_snippet() {
    cat <<EOF
i=0
while [ "\$i" -lt $2 ]; do sh "$1" </dev/null >/dev/null 2>&1; i=\$((i + 1)); done
times
EOF
}

# Seconds from the second line of `times`: user + system.
seconds() {
    awk 'NR == 2 { t = 0; for (k = 1; k <= 2; k++) { split($k, p, "m"); sub(/s$/, "", p[2]); t += p[1] * 60 + p[2] } printf "%.6f\n", t }'
}

# Runs a block of $2 runs of probe $1 where $3 says (local, or ssh), printing CPU seconds.
block() {
    local probe=$1 count=$2 where=$3
    if [ "$where" = local ]; then
        measure_snippet "$work/$probe.sh" "$count" | sh | seconds
    else
        measure_snippet "$remote_dir/$probe.sh" "$count" | remote sh -s | seconds
    fi
}

remote() {
    ssh -q -i "$SD_TEST_SSH_KEY_ED25519" -p "$SD_TEST_SSH_PORT" -o BatchMode=yes -o UserKnownHostsFile="$SD_TEST_SSH_KNOWN_HOSTS" \
        -o StrictHostKeyChecking=yes "$SD_TEST_SSH_USER@$ssh_host" "$@"
}

# Measures both probes at $1 (local or ssh): prints "base_cpu_ms new_cpu_ms base_bytes new_bytes".
measure() {
    local where=$1 base_total=0 new_total=0 done=0 size_base size_new
    while [ "$done" -lt "$runs" ]; do
        local count=$((runs - done < 5 ? runs - done : 5))
        base_total=$(awk -v a="$base_total" -v b="$(block base "$count" "$where")" 'BEGIN { printf "%.6f", a + b }')
        new_total=$(awk -v a="$new_total" -v b="$(block new "$count" "$where")" 'BEGIN { printf "%.6f", a + b }')
        done=$((done + count))
    done
    if [ "$where" = local ]; then
        size_base=$(sh "$work/base.sh" </dev/null 2>/dev/null | wc -c)
        size_new=$(sh "$work/new.sh" </dev/null 2>/dev/null | wc -c)
    else
        size_base=$(remote sh "$remote_dir/base.sh" </dev/null 2>/dev/null | wc -c)
        size_new=$(remote sh "$remote_dir/new.sh" </dev/null 2>/dev/null | wc -c)
    fi
    awk -v b="$base_total" -v n="$new_total" -v r="$runs" -v sb="$size_base" -v sn="$size_new" \
        'BEGIN { printf "%.1f %.1f %d %d\n", 1000 * b / r, 1000 * n / r, sb, sn }'
}

strict_failed=0
report() {
    local where=$1 figures base_ms new_ms base_bytes new_bytes ratio verdict
    figures=$(measure "$where")
    read -r base_ms new_ms base_bytes new_bytes <<<"$figures"
    ratio=$(awk -v b="$base_ms" -v n="$new_ms" 'BEGIN { printf "%.2f", (b > 0 ? n / b : 0) }')
    verdict=met
    if awk -v r="$ratio" -v s="$new_bytes" 'BEGIN { exit !(r > 1.2 || s >= 65536) }'; then
        verdict="NOT met"
        strict_failed=1
    fi
    printf '%-34s %9s ms %9s ms %6sx %9s B %9s B   %s\n' "$2" "$base_ms" "$new_ms" "$ratio" "$base_bytes" "$new_bytes" "$verdict"
}

echo "bench-probe: $runs runs of each probe per place; baseline: $base_label"
echo "  (CPU = user + system of the probe's sh and its children, per run; bytes = one run's output)"
printf '%-34s %12s %12s %7s %11s %11s   %s\n' "where" "CPU before" "CPU now" "ratio" "out before" "out now" "budget (<=1.2x, <64 KB)"
report local "locally ($(id -un), $(uname -r))"
if [ -n "${SD_TEST_SSH_HOSTS:-}" ] && [ -n "${SD_TEST_SSH_KEY_ED25519:-}" ]; then
    ssh_host=${SD_TEST_SSH_HOSTS%%[ ,]*}
    remote_dir=$(remote mktemp -d /tmp/sd-bench-probe.XXXXXX)
    remote "cat >$remote_dir/base.sh" <"$work/base.sh"
    remote "cat >$remote_dir/new.sh" <"$work/new.sh"
    report ssh "over ssh ($SD_TEST_SSH_USER@$ssh_host)"
    remote "rm -rf $remote_dir"
else
    echo "over ssh: skipped (no sshd test hosts: run under SD_TEST_SERVICES=\"postgres ssh\" scripts/test-env.sh)"
fi
if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$strict_failed" = 1 ]; then exit 1; fi
exit 0
